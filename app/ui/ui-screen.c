/* SPDX-License-Identifier: GPL-3.0-or-later
 * Frame drawing. A redraw starts with ui_screen_begin(), lets the current step
 * draw into the body, and ends with ui_screen_end(), which adds the status
 * line, the function bar (from the key map) and, on request, the help screen.
 * All text is clipped by display width; in a non-UTF-8 locale it is converted
 * with "?" for what the terminal cannot show.
 */
#include "config.h"

#include "ui-screen.h"

#include "app/core/iot-width.h"
#include "ui-keys.h"
#include "ui-term.h"

#include <curses.h>
#include <glib/gi18n.h>

struct _IotUi
{
  int rows, cols;
  int body_top, body_rows;
  char *status;
  UiStyle status_style;
  char *title_info;
  char *title_net;
  UiStyle title_net_style;
  char *title;
};

static attr_t styles[UI_N_STYLES];
static gboolean has_color;
static IotUi the_ui;

/* Colour pairs 1-6 are the frame's; 7 and 8 are the QR code's. */
enum
{
  PAIR_QR_LIGHT = 7,
  PAIR_QR_DARK = 8,
  PAIR_TITLE_WARN = 9,
};

void
ui_screen_init_styles (gboolean color)
{
  /* Monochrome fallbacks first; colour pairs refine them. */
  styles[UI_STYLE_NORMAL] = A_NORMAL;
  styles[UI_STYLE_TITLE] = A_REVERSE | A_BOLD;
  styles[UI_STYLE_HEADER] = A_BOLD | A_UNDERLINE;
  styles[UI_STYLE_SELECTED] = A_REVERSE;
  styles[UI_STYLE_DIM] = A_DIM;
  styles[UI_STYLE_BADGE] = A_BOLD;
  styles[UI_STYLE_WARN] = A_BOLD;
  styles[UI_STYLE_ERROR] = A_BOLD | A_REVERSE;
  styles[UI_STYLE_BAR_KEY] = A_BOLD;
  styles[UI_STYLE_BAR_LABEL] = A_REVERSE;
  /* Without colour a QR code has only the terminal's own two shades. Light
   * modules in reverse video come out light on a terminal with light text on
   * a dark background, the usual case for one without colour (consoles,
   * serial terminals); on a dark-on-light one the code is inverted, which
   * most phone cameras still read. */
  styles[UI_STYLE_QR_LIGHT] = A_REVERSE;
  styles[UI_STYLE_QR_DARK] = A_NORMAL;
  styles[UI_STYLE_TITLE_WARN] = A_BOLD | A_UNDERLINE;
  has_color = color;
  if (!color)
    return;
  init_pair (1, COLOR_WHITE, COLOR_BLUE);
  init_pair (2, COLOR_BLACK, COLOR_CYAN);
  init_pair (3, COLOR_GREEN, -1);
  init_pair (4, COLOR_YELLOW, -1);
  init_pair (5, COLOR_WHITE, COLOR_RED);
  init_pair (6, COLOR_BLACK, COLOR_CYAN);
  styles[UI_STYLE_TITLE] = COLOR_PAIR (1) | A_BOLD;
  styles[UI_STYLE_SELECTED] = COLOR_PAIR (2);
  styles[UI_STYLE_BADGE] = COLOR_PAIR (3) | A_BOLD;
  styles[UI_STYLE_WARN] = COLOR_PAIR (4) | A_BOLD;
  styles[UI_STYLE_ERROR] = COLOR_PAIR (5) | A_BOLD;
  styles[UI_STYLE_BAR_LABEL] = COLOR_PAIR (6);
  init_pair (PAIR_TITLE_WARN, COLOR_BLACK, COLOR_YELLOW);
  styles[UI_STYLE_TITLE_WARN] = COLOR_PAIR (PAIR_TITLE_WARN) | A_BOLD;
  /* A QR code in explicit black and white, never the default colours, so
   * it is dark on light, as scanners expect, on any theme. */
  init_pair (PAIR_QR_LIGHT, COLOR_BLACK, COLOR_WHITE);
  init_pair (PAIR_QR_DARK, COLOR_WHITE, COLOR_BLACK);
  styles[UI_STYLE_QR_LIGHT] = COLOR_PAIR (PAIR_QR_LIGHT);
  styles[UI_STYLE_QR_DARK] = COLOR_PAIR (PAIR_QR_DARK);
}

gboolean
ui_screen_has_color (void)
{
  return has_color;
}

/* Draws @utf8 at screen position (@y, @x), clipped to @width cells. */
static void
put (int y, int x, int width, UiStyle style, const char *utf8)
{
  if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
    return;
  width = MIN (width, COLS - x);
  g_autofree char *clipped = iot_width_truncate (utf8 ? utf8 : "", width);
  attrset (styles[style]);
  if (ui_term_is_utf8 ())
    mvaddstr (y, x, clipped);
  else
    {
      g_autofree char *local =
          g_convert_with_fallback (clipped, -1, "ASCII", "UTF-8", "?", NULL, NULL, NULL);
      mvaddstr (y, x, local ? local : "?");
    }
  attrset (A_NORMAL);
}

static void
fill_line (int y, UiStyle style)
{
  if (y < 0 || y >= LINES)
    return;
  attrset (styles[style]);
  mvhline (y, 0, ' ', COLS);
  attrset (A_NORMAL);
}

int
ui_body_rows (IotUi *ui)
{
  return ui->body_rows;
}

int
ui_body_cols (IotUi *ui)
{
  return ui->cols;
}

void
ui_text (IotUi *ui, int row, int col, int width, UiStyle style, const char *utf8)
{
  if (row < 0 || row >= ui->body_rows)
    return;
  put (ui->body_top + row, col, width, style, utf8);
}

/* Draws @len bytes of a secret straight from its buffer: no copy of it is
 * made on the heap (ui_text() makes one). The caller fits it to the width. */
void
ui_secret_text (IotUi *ui, int row, int col, UiStyle style, const char *utf8, gsize len)
{
  int y = ui->body_top + row;
  if (row < 0 || row >= ui->body_rows || col < 0 || col >= COLS)
    return;
  attrset (styles[style]);
  if (ui_term_is_utf8 ())
    mvaddnstr (y, col, utf8, (int) MIN (len, (gsize) (COLS - col) * 4));
  else
    {
      move (y, col);
      for (const char *p = utf8; p < utf8 + len; p = g_utf8_next_char (p))
        addch ((guchar) *p < 0x80 ? (chtype) (guchar) *p : (chtype) '?');
    }
  attrset (A_NORMAL);
}

void
ui_fill (IotUi *ui, int row, UiStyle style)
{
  if (row >= 0 && row < ui->body_rows)
    fill_line (ui->body_top + row, style);
}

int
ui_paragraph (IotUi *ui, int row, UiStyle style, const char *utf8)
{
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
  if (row >= rows)
    return 0;
  return ui_text_wrapped (ui, row, 1, cols - 2, rows - row, style, utf8);
}

/* Returns: the number of body rows used. */
int
ui_text_wrapped (IotUi *ui, int row, int col, int width, int max_rows, UiStyle style,
                 const char *utf8)
{
  g_autoptr (GPtrArray) lines = iot_width_wrap (utf8, width);
  int n = MIN ((int) lines->len, max_rows);
  for (int i = 0; i < n; i++)
    ui_text (ui, row + i, col, width, style, lines->pdata[i]);
  return n;
}

/* Moves the top of the body down by @rows: what a step drew above stays, and
 * the rest of its drawing starts below it. */
void
ui_offset (IotUi *ui, int rows)
{
  rows = CLAMP (rows, 0, ui->body_rows);
  ui->body_top += rows;
  ui->body_rows -= rows;
}

void
ui_set_status (IotUi *ui, UiStyle style, const char *utf8)
{
  g_free (ui->status);
  ui->status = g_strdup (utf8);
  ui->status_style = style;
}

void
ui_set_title_info (IotUi *ui, const char *utf8)
{
  g_free (ui->title_info);
  ui->title_info = g_strdup (utf8);
}

/* Whether the terminal shows all of Unicode; text for one that does not is
 * converted, with "?" for what it cannot show. */
gboolean
ui_utf8 (IotUi *ui)
{
  return ui_term_is_utf8 ();
}

/* The network line, drawn in the title bar left of the title info. */
void
ui_set_title_network (IotUi *ui, UiStyle style, const char *utf8)
{
  g_free (ui->title_net);
  ui->title_net = g_strdup (utf8);
  ui->title_net_style = style;
}

gboolean
ui_screen_too_small (void)
{
  return COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS;
}

/* Starts a redraw; returns the drawing context for the body. */
IotUi *
ui_screen_begin (const char *title)
{
  IotUi *ui = &the_ui;
  erase ();
  ui->rows = LINES;
  ui->cols = COLS;
  ui->body_top = 1;
  ui->body_rows = MAX (0, LINES - 3);
  g_clear_pointer (&ui->status, g_free);
  g_clear_pointer (&ui->title_info, g_free);
  g_clear_pointer (&ui->title_net, g_free);
  g_free (ui->title);
  ui->title = g_strdup (title);
  return ui;
}

static int
bar_item_width (IotAction action)
{
  return iot_width (ui_keys_label (action)) + 1 + iot_width (iot_action_get_description (action));
}

/* The function bar. Labels are longer in most languages than in English:
 * when the items do not fit two spaces apart they close up to one, and an
 * item that still does not fit is left out whole rather than cut in the
 * middle of a word (the help screen lists every key). */
static void
draw_bar (const IotAction *bar)
{
  int y = LINES - 1, x = 0, total = 0, n = 0;
  fill_line (y, UI_STYLE_BAR_LABEL);
  for (guint i = 0; bar && bar[i] != IOT_ACTION_NONE; i++, n++)
    total += bar_item_width (bar[i]);
  int gap = total + 2 * (n - 1) <= COLS ? 2 : 1;
  for (guint i = 0; bar && bar[i] != IOT_ACTION_NONE; i++)
    {
      if (x + bar_item_width (bar[i]) > COLS)
        continue;
      const char *key = ui_keys_label (bar[i]);
      const char *label = iot_action_get_description (bar[i]);
      put (y, x, COLS - x, UI_STYLE_BAR_KEY, key);
      x += iot_width (key) + 1;
      put (y, x, COLS - x, UI_STYLE_BAR_LABEL, label);
      x += iot_width (label) + gap;
    }
}

static void
draw_help (IotUi *ui)
{
  int w = MIN (ui->cols - 2, 60), top = ui->body_top;
  int h = MIN (ui->body_rows, IOT_N_ACTIONS + 2);
  int x = MAX (0, (ui->cols - w) / 2);
  for (int r = 0; r < h; r++)
    {
      attrset (styles[UI_STYLE_SELECTED]);
      mvhline (top + r, x, ' ', w);
    }
  put (top, x + 1, w - 2, UI_STYLE_SELECTED, _("Keys (any key closes this help)"));
  /* The key column is as wide as the widest (translated) key list, up to
   * half the box: key names are longer in most languages than in English. */
  int keys_w = 1;
  for (int a = IOT_ACTION_NONE + 1; a < IOT_N_ACTIONS; a++)
    {
      g_autofree char *keys = ui_keys_all_labels (a);
      keys_w = MAX (keys_w, iot_width (keys));
    }
  keys_w = MIN (keys_w, MAX (1, (w - 2) / 2));
  for (int a = IOT_ACTION_NONE + 1, r = 1; a < IOT_N_ACTIONS && r < h; a++, r++)
    {
      g_autofree char *keys = ui_keys_all_labels (a);
      g_autofree char *keys_col = iot_width_pad (keys, keys_w);
      g_autofree char *line = g_strdup_printf ("%s %s", keys_col, iot_action_get_description (a));
      put (top + r, x + 1, w - 2, UI_STYLE_SELECTED, line);
    }
}

/* Finishes a redraw: title, status line, function bar, help; then updates
 * the terminal in one go. */
void
ui_screen_end (IotUi *ui, const IotAction *bar, gboolean show_help)
{
  fill_line (0, UI_STYLE_TITLE);
  g_autofree char *title = g_strdup_printf (" iotsetup · %s", ui->title ? ui->title : "");
  /* Right-aligned: [network] [info]. The title keeps half the line (or
   * all it needs), the info (short) comes next, and the network line gets
   * what is left; it is left out when that is too little to read. */
  int right = ui->cols - MIN (iot_width (title) + 1, ui->cols / 2);
  int net_need = ui->title_net ? iot_width (ui->title_net) + 2 : 0;
  int plain_info_w = ui->title_info ? iot_width (ui->title_info) + 1 : 0;
  gboolean show_net = net_need > 0 && right - plain_info_w - 2 >= MIN (net_need, 12);
  g_autofree char *info = ui->title_info == NULL ? NULL
                          : show_net ? g_strdup_printf ("%s %s", ui_term_is_utf8 () ? "│" : "|",
                                                        ui->title_info)
                                     : g_strdup (ui->title_info);
  int info_w = info ? MIN (iot_width (info) + 1, right) : 0;
  int net_w = show_net ? MIN (net_need, right - info_w) : 0;
  int net_x = ui->cols - info_w - net_w;
  /* A cell between a cut title and what follows, so "…" never runs into it
   * (translated titles are cut at 40 columns). */
  put (0, 0, net_x - (net_x < ui->cols ? 1 : 0), UI_STYLE_TITLE, title);
  if (net_w > 2)
    {
      /* One cell of padding each side, in the segment's own style. */
      g_autofree char *padded = g_strdup_printf (" %s ", ui->title_net);
      put (0, net_x, net_w, ui->title_net_style, padded);
    }
  if (info)
    put (0, ui->cols - info_w, info_w, UI_STYLE_TITLE, info);
  if (ui->status)
    put (LINES - 2, 0, COLS, ui->status_style, ui->status);
  draw_bar (bar);
  if (show_help)
    draw_help (ui);
  refresh ();
}
