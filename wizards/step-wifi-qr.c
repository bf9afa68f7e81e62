/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: a QR code that joins a phone to the Wi-Fi network this computer is
 * on, shown only when the person asks for it. The password is asked from
 * NetworkManager on entering the step, kept only while the step is on
 * screen, and overwritten when it is left; it is never shown as text.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-qr.h"
#include "app/core/iot-session.h"
#include "app/core/iot-width.h"
#include "app/ui/ui-qr.h"

#include <glib/gi18n.h>

typedef struct
{
  IotWizard *wizard;
  GCancellable *cancellable;
  char *text;  /* the WIFI: text, with the password; NULL until read */
  char *error; /* why there is no code */
} WifiQr;

static void
wifi_qr_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  char *text = iot_network_wifi_qr_finish (NULL, res, &error);
  if (text == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the step was left: its data is gone */
  WifiQr *s = data;
  g_clear_object (&s->cancellable);
  s->text = text;
  if (text == NULL)
    s->error = g_strdup (error->message);
  iot_wizard_changed (s->wizard);
}

static gpointer
wifi_qr_enter (IotWizard *w)
{
  IotSession *session = iot_wizard_get_context (w);
  WifiQr *s = g_new0 (WifiQr, 1);
  s->wizard = w;
  s->cancellable = g_cancellable_new ();
  iot_network_wifi_qr_async (session->network, s->cancellable, wifi_qr_cb, s);
  return s;
}

static void
wifi_qr_leave (IotWizard *w, gpointer data)
{
  WifiQr *s = data;
  if (s->cancellable)
    g_cancellable_cancel (s->cancellable);
  g_clear_object (&s->cancellable);
  iot_str_wipe_free (s->text);
  g_free (s->error);
  g_free (s);
}

static void
wifi_qr_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  WifiQr *s = data;
  IotSession *session = iot_wizard_get_context (w);
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
  if (s->error)
    {
      ui_text_wrapped (ui, 1, 2, cols - 4, rows - 1, UI_STYLE_WARN, s->error);
      return;
    }
  if (s->text == NULL)
    {
      ui_text_wrapped (ui, 1, 2, cols - 4, rows - 1, UI_STYLE_NORMAL,
                       _("Asking NetworkManager for the Wi-Fi password…"));
      return;
    }
  const IotNetworkInfo *info = iot_network_get_info (session->network);
  const char *name = info->ap && *info->ap->ssid ? info->ap->ssid : info->id ? info->id : "";
  g_autofree char *intro_text =
      g_strdup_printf (_("Scan this code with a phone's camera to join the Wi-Fi network “%s”:"),
                       name);
  g_autoptr (GPtrArray) intro = iot_width_wrap (intro_text, MAX (cols - 2, 1));
  int n_intro = MIN ((int) intro->len, 2);
  int max = ui_qr_max_modules (rows - n_intro, cols);
  g_autoptr (IotQr) qr = max >= 21 ? iot_qr_new (s->text, max, NULL) : NULL;
  if (qr == NULL)
    {
      int need_cols, need_rows;
      iot_qr_cells_needed (ui_qr_cells (), iot_qr_min_modules (s->text, NULL),
                           IOT_QR_QUIET_ZONE, &need_cols, &need_rows);
      g_autofree char *msg = g_strdup_printf (
          _("The window is too small for this QR code: it needs %dx%d characters and has "
            "%dx%d. Make the window larger or the font smaller."),
          need_cols, need_rows + n_intro + 3, cols, rows + 3);
      ui_text_wrapped (ui, 0, 1, cols - 2, rows, UI_STYLE_WARN, msg);
      return;
    }
  for (int i = 0; i < n_intro; i++)
    {
      int width = iot_width (intro->pdata[i]);
      ui_text (ui, i, MAX (1, (cols - width) / 2), cols - 2, UI_STYLE_NORMAL, intro->pdata[i]);
    }
  int qr_rows, qr_cols;
  ui_qr_size (qr, &qr_rows, &qr_cols);
  ui_qr (ui, n_intro, (cols - qr_cols) / 2, qr);
}

static const IotAction wifi_qr_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_wifi_qr = {
  .id = "wifi-qr",
  .title = N_ ("Join this Wi-Fi network"),
  .bar = wifi_qr_bar,
  .enter = wifi_qr_enter,
  .draw = wifi_qr_draw,
  .leave = wifi_qr_leave,
};
