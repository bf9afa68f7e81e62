/* SPDX-License-Identifier: GPL-3.0-or-later
 * What wizard steps may use to draw: text in the body area, clipped and
 * aligned by display width, in a few named styles, and the list widget.
 * Only app/ui/ includes curses; steps never do.
 */
#pragma once

#include <glib.h>

typedef enum
{
  UI_STYLE_NORMAL,
  UI_STYLE_TITLE,
  UI_STYLE_HEADER,   /* column headers */
  UI_STYLE_SELECTED, /* the selected list row */
  UI_STYLE_DIM,      /* unreachable devices, hints */
  UI_STYLE_BADGE,    /* "new" */
  UI_STYLE_WARN,
  UI_STYLE_ERROR,
  UI_STYLE_BAR_KEY,
  UI_STYLE_BAR_LABEL,
  UI_STYLE_QR_LIGHT, /* QR code: light modules, and the glyphs' background */
  UI_STYLE_QR_DARK,  /* QR code: dark modules drawn as blank cells */
  UI_STYLE_TITLE_WARN, /* title bar: the network line when the network is a finding */
  UI_N_STYLES
} UiStyle;

typedef struct _IotUi IotUi;

int ui_body_rows (IotUi *ui);
int ui_body_cols (IotUi *ui);
void ui_text (IotUi *ui, int row, int col, int width, UiStyle style, const char *utf8);
void ui_fill (IotUi *ui, int row, UiStyle style);
int ui_text_wrapped (IotUi *ui, int row, int col, int width, int max_rows, UiStyle style,
                     const char *utf8);
/* @utf8 wrapped from @row to the bottom of the body, one column in from
 * each side; 0 when @row is already past it. Returns: the rows used. */
int ui_paragraph (IotUi *ui, int row, UiStyle style, const char *utf8);
void ui_offset (IotUi *ui, int rows);
void ui_set_status (IotUi *ui, UiStyle style, const char *utf8);
void ui_secret_text (IotUi *ui, int row, int col, UiStyle style, const char *utf8, gsize len);
void ui_set_title_info (IotUi *ui, const char *utf8);
gboolean ui_utf8 (IotUi *ui);
void ui_set_title_network (IotUi *ui, UiStyle style, const char *utf8);
