/* SPDX-License-Identifier: GPL-3.0-or-later
 * A scrolling list with a selection, drawn in the body area. The owner keeps
 * the rows; the list keeps the selection and scroll position and moves them
 * on navigation actions.
 */
#pragma once

#include "app/core/iot-action.h"
#include "ui.h"

typedef struct
{
  int selected; /* -1 when empty */
  int top;      /* first visible row */
} UiList;

typedef void (*UiListDrawRow) (IotUi *ui, int screen_row, int index, gboolean selected,
                               gpointer user_data);

void ui_list_init (UiList *list);
gboolean ui_list_action (UiList *list, int n_rows, int visible, IotAction action);
void ui_list_clamp (UiList *list, int n_rows, int visible);
void ui_list_draw (UiList *list, IotUi *ui, int first_row, int visible, int n_rows,
                   UiListDrawRow draw_row, gpointer user_data);
