/* SPDX-License-Identifier: GPL-3.0-or-later
 * List navigation and scrolling: pure arithmetic plus a row callback, so the
 * same widget serves the device list and later the guideline card.
 */
#include "config.h"

#include "ui-list.h"

void
ui_list_init (UiList *l)
{
  l->selected = -1;
  l->top = 0;
}

/* Keeps the selection inside the list and visible. */
void
ui_list_clamp (UiList *l, int n, int visible)
{
  visible = MAX (visible, 1);
  if (n == 0)
    {
      l->selected = -1;
      l->top = 0;
      return;
    }
  l->selected = CLAMP (l->selected, 0, n - 1);
  if (l->selected < l->top)
    l->top = l->selected;
  if (l->selected >= l->top + visible)
    l->top = l->selected - visible + 1;
  l->top = CLAMP (l->top, 0, MAX (0, n - visible));
}

/* Returns: TRUE if @action was a navigation action it handled. */
gboolean
ui_list_action (UiList *l, int n, int visible, IotAction action)
{
  visible = MAX (visible, 1);
  switch (action)
    {
    case IOT_ACTION_UP:
      l->selected--;
      break;
    case IOT_ACTION_DOWN:
      l->selected++;
      break;
    case IOT_ACTION_PAGE_UP:
      l->selected -= visible;
      break;
    case IOT_ACTION_PAGE_DOWN:
      l->selected += visible;
      break;
    case IOT_ACTION_HOME:
      l->selected = 0;
      break;
    case IOT_ACTION_END:
      l->selected = n - 1;
      break;
    default:
      return FALSE;
    }
  ui_list_clamp (l, n, visible);
  return TRUE;
}

void
ui_list_draw (UiList *l, IotUi *ui, int first_row, int visible, int n, UiListDrawRow draw_row,
              gpointer user_data)
{
  ui_list_clamp (l, n, visible);
  for (int i = 0; i < visible && l->top + i < n; i++)
    {
      int index = l->top + i;
      gboolean sel = index == l->selected;
      if (sel)
        ui_fill (ui, first_row + i, UI_STYLE_SELECTED);
      draw_row (ui, first_row + i, index, sel, user_data);
    }
}
