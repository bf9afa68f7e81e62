/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: a QR code of the selected device's settings page, so the person
 * opens it with their phone's camera instead of typing an address, and the
 * address under it in text for those who type. The code is fitted to the
 * window on every draw, with the strongest error correction that fits; a
 * window too small gets the size it needs, never a partial code.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-device-url.h"
#include "app/core/iot-session.h"
#include "app/core/iot-width.h"
#include "app/ui/ui-qr.h"

#include <glib/gi18n.h>

/* Rows the frame takes around the body: title, status line, function bar. */
#define FRAME_ROWS 3

typedef struct
{
  char *url; /* the last address known, kept if the device leaves */
} ShowQr;

static gpointer
show_qr_enter (IotWizard *w)
{
  IotSession *session = iot_wizard_get_context (w);
  IotDevice *dev = iot_session_get_selected (session);
  ShowQr *s = g_new0 (ShowQr, 1);
  s->url = dev ? iot_device_dup_admin_url (dev) : NULL;
  return s;
}

static void
show_qr_leave (IotWizard *w, gpointer data)
{
  ShowQr *s = data;
  g_free (s->url);
  g_free (s);
}

/* Draws @lines centred from body row @row; returns the rows used. */
static int
draw_centred (IotUi *ui, int row, GPtrArray *lines, int max_rows, UiStyle style)
{
  int cols = ui_body_cols (ui), n = MIN ((int) lines->len, max_rows);
  for (int i = 0; i < n; i++)
    {
      int w = iot_width (lines->pdata[i]);
      ui_text (ui, row + i, MAX (1, (cols - w) / 2), cols - 2, style, lines->pdata[i]);
    }
  return n;
}

/* Tries to lay out the code with @top rows of text above it and @url_lines
 * below; returns the code, or NULL when it does not fit. */
static IotQr *
fit (const char *url, int rows, int cols, int top, int url_rows)
{
  int max = ui_qr_max_modules (rows - top - url_rows, cols);
  if (max < 21) /* the smallest symbol; 0 would mean "no limit" */
    return NULL;
  return iot_qr_new (url, max, NULL);
}

static void
show_qr_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  ShowQr *s = data;
  IotSession *session = iot_wizard_get_context (w);
  IotDevice *dev = iot_session_get_selected (session);
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);

  /* Follow a change of address; keep the last one if the device left. */
  g_autofree char *now = dev ? iot_device_dup_admin_url (dev) : NULL;
  if (now)
    {
      g_free (s->url);
      s->url = g_steal_pointer (&now);
    }
  if (dev == NULL)
    ui_set_status (ui, UI_STYLE_WARN,
                   _("This device has left the network, so its page may not open."));
  if (s->url == NULL)
    {
      ui_text_wrapped (ui, 1, 2, cols - 4, rows - 1, UI_STYLE_WARN,
                       _("This device announces no settings page to open: it has no web "
                         "service (http or https) and no printer admin address."));
      return;
    }

  g_autoptr (GPtrArray) intro =
      iot_width_wrap (_("Scan the code with your phone's camera to open the device's settings "
                        "page:"),
                      MAX (cols - 2, 1));
  g_autoptr (GPtrArray) url_lines = iot_width_wrap (s->url, MAX (cols - 2, 1));
  int n_intro = MIN ((int) intro->len, 2), n_url = (int) url_lines->len;

  /* With the explanation above the code if there is room, else without. */
  g_autoptr (IotQr) qr = fit (s->url, rows, cols, n_intro, n_url);
  if (qr == NULL)
    {
      n_intro = 0;
      qr = fit (s->url, rows, cols, 0, n_url);
    }
  if (qr)
    {
      int qr_rows, qr_cols;
      ui_qr_size (qr, &qr_rows, &qr_cols);
      draw_centred (ui, 0, intro, n_intro, UI_STYLE_NORMAL);
      ui_qr (ui, n_intro, (cols - qr_cols) / 2, qr);
      draw_centred (ui, n_intro + qr_rows, url_lines, n_url, UI_STYLE_HEADER);
      return;
    }

  /* Too small: the size that would do, then the address to type. */
  int need_cols, need_rows;
  iot_qr_cells_needed (ui_qr_cells (), iot_qr_min_modules (s->url, NULL), IOT_QR_QUIET_ZONE,
                       &need_cols, &need_rows);
  g_autoptr (GPtrArray) url_there = iot_width_wrap (s->url, MAX (need_cols - 2, 1));
  need_rows += (int) url_there->len + FRAME_ROWS;
  g_autofree char *msg = g_strdup_printf (
      _("The window is too small for this QR code: make it at least %dx%d characters, or "
        "type the address below into a browser."),
      need_cols, need_rows);
  int used = ui_text_wrapped (ui, 0, 1, cols - 2, rows, UI_STYLE_WARN, msg);
  draw_centred (ui, used + 1, url_lines, rows - used - 1, UI_STYLE_HEADER);
}

static const IotAction show_qr_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_show_qr = {
  .id = "show-qr",
  .title = N_ ("Settings page QR code"),
  .bar = show_qr_bar,
  .enter = show_qr_enter,
  .draw = show_qr_draw,
  .leave = show_qr_leave,
};
