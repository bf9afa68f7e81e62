/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: handing the new password over. It is shown once, large (bold, one
 * cell between characters) and as a QR code to scan into a phone's
 * password manager. A key hides it, and it hides by itself after
 * ui.password_reveal_seconds; the same key shows it again until the person
 * leaves this screen, which ends the password wizard and wipes the
 * password. While no driver has set it on the device, the screen says so.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-password.h"
#include "app/core/iot-qr.h"
#include "app/core/iot-session.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui-qr.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef struct
{
  IotWizard *wizard;
  IotSession *session;
  gboolean shown;
  guint hide_source;
} Handover;

static gboolean
hide_cb (gpointer data)
{
  Handover *s = data;
  s->hide_source = 0;
  s->shown = FALSE;
  iot_wizard_changed (s->wizard);
  return G_SOURCE_REMOVE;
}

static void
show (Handover *s)
{
  s->shown = TRUE;
  g_clear_handle_id (&s->hide_source, g_source_remove);
  guint ms = (guint) (s->session->config->password_reveal_seconds * 1000);
  s->hide_source = g_timeout_add (ms, hide_cb, s);
}

static gpointer
handover_enter (IotWizard *w)
{
  Handover *s = g_new0 (Handover, 1);
  s->wizard = w;
  s->session = iot_wizard_get_context (w);
  show (s);
  return s;
}

static void
handover_leave (IotWizard *w, gpointer data)
{
  Handover *s = data;
  g_clear_handle_id (&s->hide_source, g_source_remove);
  /* The end of the password wizard: the password is wiped now, unless
   * the device took it; then the setup wizard's later steps need it for
   * the driver, and the session wipes it when the device is left. */
  IotPasswordSetup *setup = s->session->password;
  if (setup && setup->applied && setup->secret && s->session->full_setup)
    {
      iot_secret_free (s->session->credential);
      s->session->credential = g_steal_pointer (&setup->secret);
    }
  g_clear_pointer (&s->session->password, iot_password_setup_free);
  g_free (s);
}

static IotStepResult
handover_action (IotWizard *w, gpointer data, IotAction action)
{
  Handover *s = data;
  switch (action)
    {
    case IOT_ACTION_REVEAL:
      if (s->shown)
        {
          s->shown = FALSE;
          g_clear_handle_id (&s->hide_source, g_source_remove);
        }
      else
        show (s);
      return IOT_STEP_STAY;
    case IOT_ACTION_OPEN:
      if (s->session->full_setup)
        {
          iot_wizard_set_next (w, "update");
          return IOT_STEP_NEXT;
        }
      /* fall through */
    case IOT_ACTION_BACK:
      /* Done: back to the device, past the choosing step. */
      iot_wizard_set_back (w, "device-detail");
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

/* Width in cells of the large rendering of @len ASCII characters. */
static int
spaced_width (gsize len)
{
  return (int) len * 2 - 1;
}

/* The password, from its locked page: a generated one spaced out, a
 * character a cell apart, when it fits (a typed one may hold spaces of its
 * own, so it is drawn as it is), over as many rows as it needs. Returns
 * the rows used. */
static int
draw_password (IotUi *ui, int row, int cols, const IotSecret *secret, gboolean spaced)
{
  const char *pw = iot_secret_get (secret);
  gsize len = iot_secret_len (secret);
  gboolean ascii = TRUE;
  for (gsize i = 0; i < len; i++)
    ascii = ascii && (guchar) pw[i] < 0x80;
  if (spaced && ascii && spaced_width (len) <= cols - 2)
    {
      int col = (cols - spaced_width (len)) / 2;
      for (gsize i = 0; i < len; i++)
        ui_secret_text (ui, row, col + (int) i * 2, pw[i] == '-' ? UI_STYLE_DIM : UI_STYLE_BADGE,
                        pw + i, 1);
      return 1;
    }
  int per_row = MAX (cols - 4, 1), used = 0;
  for (const char *p = pw; p < pw + len; used++)
    {
      const char *end = p;
      for (int i = 0; i < per_row && end < pw + len; i++)
        end = g_utf8_next_char (end);
      ui_secret_text (ui, row + used, 2, UI_STYLE_BADGE, p, (gsize) (end - p));
      p = end;
    }
  return used;
}

static void
handover_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Handover *s = data;
  IotPasswordSetup *setup = s->session->password;
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
  int row = 0;
  if (setup == NULL || setup->secret == NULL)
    return;
  g_autofree char *head =
      g_strdup_printf (_("The new password for “%s”:"), setup->device_name);
  ui_text (ui, row++, 1, cols - 2, UI_STYLE_HEADER, head);
  row++;
  if (s->shown)
    row += draw_password (ui, row, cols, setup->secret, setup->generated);
  else
    {
      g_autofree char *hidden = g_strdup_printf (
          _("The password is hidden. Press %s to show it again (until you leave this screen)."),
          ui_keys_label (IOT_ACTION_REVEAL));
      row += ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL, hidden);
    }
  row++;
  /* No false claim: until a driver has set and verified it, it is not set. */
  if (!setup->applied)
    row += ui_text_wrapped (ui, row, 1, cols - 2, MIN (3, rows - row), UI_STYLE_WARN,
                            _("It has not been set on the device yet: this version cannot do "
                              "that for this device. Enter it on the device's settings page."));
  if (!s->shown)
    return;

  guint secs = (guint) s->session->config->password_reveal_seconds;
  g_autofree char *hint = g_strdup_printf (
      ngettext ("Scan the code into your phone's password manager. %s hides it; it hides by "
                "itself after %u second.",
                "Scan the code into your phone's password manager. %s hides it; it hides by "
                "itself after %u seconds.",
                secs),
      ui_keys_label (IOT_ACTION_REVEAL), secs);
  ui_set_status (ui, UI_STYLE_DIM, hint);

  int max = ui_qr_max_modules (rows - row, cols);
  g_autoptr (IotQr) qr = max >= 21 ? iot_qr_new (iot_secret_get (setup->secret), max, NULL) : NULL;
  if (qr == NULL)
    {
      int need_cols, need_rows;
      iot_qr_cells_needed (ui_qr_cells (), iot_qr_min_modules (iot_secret_get (setup->secret), NULL),
                           IOT_QR_QUIET_ZONE, &need_cols, &need_rows);
      g_autofree char *msg = g_strdup_printf (
          _("The window is too small for this QR code: it needs %dx%d characters and has "
            "%dx%d. Make the window larger or the font smaller."),
          need_cols, need_rows + row + 3, cols, rows + 3);
      ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_WARN, msg);
      return;
    }
  int qr_rows, qr_cols;
  ui_qr_size (qr, &qr_rows, &qr_cols);
  ui_qr (ui, row, (cols - qr_cols) / 2, qr);
}

static const IotAction handover_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_REVEAL, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_password_handover = {
  .id = "password-handover",
  .title = N_ ("Your new password"),
  .bar = handover_bar,
  .enter = handover_enter,
  .action = handover_action,
  .draw = handover_draw,
  .leave = handover_leave,
};
