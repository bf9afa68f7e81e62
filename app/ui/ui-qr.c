/* SPDX-License-Identifier: GPL-3.0-or-later
 * QR view. Half blocks (two modules a cell, square modules) need UTF-8 and a
 * colour pair to be black on white; without either, each module is two
 * blank cells in the light or dark style (ui-screen.c: colour pairs, or
 * reverse video on a terminal without colour). The renderings come from the
 * core (iot-qr.c), the same lines `iotsetup qr` prints.
 */
#include "config.h"

#include "ui-qr.h"

#include "ui-screen.h"
#include "ui-term.h"

#include <glib/gi18n.h>

/* Returns: how this terminal lays out a code. */
IotQrCells
ui_qr_cells (void)
{
  return ui_screen_has_color () && ui_term_is_utf8 () ? IOT_QR_CELLS_HALFBLOCKS
                                                        : IOT_QR_CELLS_TWO_CHARS;
}

/* Returns: the widest symbol that fits in @rows × @cols body cells with its
 * quiet zone, for iot_qr_new(). */
int
ui_qr_max_modules (int rows, int cols)
{
  return iot_qr_max_modules (ui_qr_cells (), cols, rows, IOT_QR_QUIET_ZONE);
}

/* The cells @qr takes on screen, quiet zone included. */
void
ui_qr_size (const IotQr *qr, int *rows, int *cols)
{
  iot_qr_cells_needed (ui_qr_cells (), iot_qr_get_size (qr), IOT_QR_QUIET_ZONE, cols, rows);
}

static void
draw_two_cells (IotUi *ui, int row, int col, const IotQr *qr)
{
  int n = iot_qr_get_size (qr), q = IOT_QR_QUIET_ZONE;
  for (int y = -q; y < n + q; y++)
    for (int x = -q; x < n + q;)
      {
        /* One call per run of modules of the same shade. */
        gboolean dark = iot_qr_module (qr, x, y);
        int start = x;
        while (x < n + q && iot_qr_module (qr, x, y) == dark)
          x++;
        g_autofree char *blank = g_strnfill (2 * (x - start), ' ');
        ui_text (ui, row + y + q, col + 2 * (start + q), 2 * (x - start),
                 dark ? UI_STYLE_QR_DARK : UI_STYLE_QR_LIGHT, blank);
      }
}

/**
 * ui_qr:
 * @row, @col: the top left of the quiet zone, in body cells
 *
 * Draws @qr with its quiet zone, or, when it does not fit the body from
 * (@row, @col), a message saying so: part of a code is worse than none.
 *
 * Returns: TRUE when the code was drawn.
 */
gboolean
ui_qr (IotUi *ui, int row, int col, const IotQr *qr)
{
  int rows, cols;
  ui_qr_size (qr, &rows, &cols);
  if (row < 0 || col < 0 || row + rows > ui_body_rows (ui) || col + cols > ui_body_cols (ui))
    {
      ui_text_wrapped (ui, MAX (row, 0), 1, ui_body_cols (ui) - 2, ui_body_rows (ui) - MAX (row, 0),
                       UI_STYLE_WARN, _("The window is too small for this QR code."));
      return FALSE;
    }
  if (ui_qr_cells () == IOT_QR_CELLS_TWO_CHARS)
    {
      draw_two_cells (ui, row, col, qr);
      return TRUE;
    }
  g_autoptr (GPtrArray) lines = iot_qr_render_halfblocks (qr, IOT_QR_QUIET_ZONE);
  for (guint i = 0; i < lines->len; i++)
    ui_text (ui, row + (int) i, col, cols, UI_STYLE_QR_LIGHT, lines->pdata[i]);
  return TRUE;
}
