/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: setting the chosen password on the device and verifying it
 * (guideline 1). It first says what will happen; Enter starts the device's
 * driver on the loop (WAIT, with progress, a timeout, Esc cancels), and
 * the result says what happened, what the device's password is now and,
 * on failure, how to recover (the profile's reset steps). Without a driver
 * the person sets it by guided steps: on an SSH host, log in and run
 * passwd; elsewhere, the profile's steps and a QR code of the settings
 * page. The new password is on this screen while they type it (a key
 * hides it; it is never drawn once the check starts). Enter then verifies
 * it (iot-password-guided: over SSH, or on the settings page); a check
 * that fails offers the steps again. Only a verified result is recorded as
 * G1 PASS in the session.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-device-url.h"
#include "app/core/iot-password-apply.h"
#include "app/core/iot-password-guided.h"
#include "app/core/iot-qr.h"
#include "app/core/iot-session.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui-qr.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef enum
{
  APPLY_INTRO,
  APPLY_RUNNING,
  APPLY_DONE,
} ApplyState;

typedef struct
{
  IotWizard *wizard;
  IotSession *session;
  ApplyState state;
  IotPasswordApply *apply; /* NULL: the guided path */
  IotPasswordGuided *guided;
  gboolean hidden; /* the guided steps' password, hidden by the person */
  char *admin_url;
  GCancellable *cancellable;
  IotApplyPhase phase;
  gint64 started;
  guint ticker;
  IotApplyReport *report;
} Apply;

static gpointer
apply_enter (IotWizard *w)
{
  Apply *s = g_new0 (Apply, 1);
  s->wizard = w;
  s->session = iot_wizard_get_context (w);
  IotDevice *dev = iot_session_get_selected (s->session);
  IotPasswordSetup *setup = s->session->password;
  if (dev == NULL || setup == NULL)
    return s;
  s->admin_url = iot_device_dup_admin_url (dev);
  g_autoptr (GError) error = NULL;
  s->apply = iot_password_apply_new (iot_session_get_http (s->session), dev, setup->profile, &error);
  if (s->apply == NULL)
    {
      g_debug ("apply: %s; guided steps", error->message);
      s->guided = iot_password_guided_new (iot_session_get_http (s->session), dev, setup->profile);
    }
  return s;
}

static void
apply_leave (IotWizard *w, gpointer data)
{
  Apply *s = data;
  if (s->cancellable != NULL)
    g_cancellable_cancel (s->cancellable);
  g_clear_object (&s->cancellable);
  g_clear_handle_id (&s->ticker, g_source_remove);
  iot_password_apply_free (s->apply);
  iot_password_guided_free (s->guided);
  iot_apply_report_free (s->report);
  g_free (s->admin_url);
  g_free (s);
}

static gboolean
tick_cb (gpointer data)
{
  Apply *s = data;
  iot_wizard_changed (s->wizard);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (IotApplyPhase phase, gpointer data)
{
  Apply *s = data;
  s->phase = phase;
  iot_wizard_changed (s->wizard);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  IotApplyReport *report = iot_password_apply_run_finish (NULL, result, &error);
  if (report == NULL)
    return; /* cancelled: the step has gone, or is going */
  Apply *s = data;
  iot_apply_report_free (s->report);
  g_clear_handle_id (&s->ticker, g_source_remove);
  g_clear_object (&s->cancellable);
  s->report = report;
  s->state = APPLY_DONE;
  IotPasswordSetup *setup = s->session->password;
  if (setup != NULL)
    {
      setup->applied = report->outcome == IOT_APPLY_VERIFIED || report->outcome == IOT_APPLY_MANUAL;
      iot_session_add_result (s->session, setup->device_id, iot_check_result_copy (report->result));
    }
  g_debug ("password: %s, G1 %s (set %" G_GINT64_FORMAT " ms, verified %" G_GINT64_FORMAT " ms)",
             iot_apply_outcome_to_json (report->outcome), iot_check_status_to_string (report->result->status),
             report->set_ms, report->verify_ms);
  iot_wizard_continue (s->wizard, IOT_STEP_STAY);
}

static IotStepResult
start (Apply *s)
{
  IotPasswordSetup *setup = s->session->password;
  if (setup == NULL || setup->secret == NULL || (s->apply == NULL && s->guided == NULL))
    return IOT_STEP_STAY;
  s->state = APPLY_RUNNING;
  s->phase = IOT_APPLY_PHASE_SETTING;
  s->started = g_get_monotonic_time ();
  s->cancellable = g_cancellable_new ();
  s->ticker = g_timeout_add (1000, tick_cb, s);
  if (s->apply != NULL)
    iot_password_apply_run_async (s->apply, setup->secret, s->cancellable, on_progress, s, on_done, s);
  else
    {
      s->phase = IOT_APPLY_PHASE_VERIFYING;
      iot_password_guided_verify_async (s->guided, setup->secret, s->cancellable, on_done, s);
    }
  return IOT_STEP_WAIT;
}

/* A guided check that failed or could not finish may be run again. */
static gboolean
retry_offered (const Apply *s)
{
  return s->apply == NULL && s->report != NULL
         && (s->report->outcome == IOT_APPLY_NOT_VERIFIED || s->report->outcome == IOT_APPLY_GONE);
}

static IotStepResult
apply_action (IotWizard *w, gpointer data, IotAction action)
{
  Apply *s = data;
  if (action == IOT_ACTION_QUIT)
    return IOT_STEP_QUIT;
  switch (s->state)
    {
    case APPLY_INTRO:
      if (action == IOT_ACTION_OPEN)
        return start (s);
      if (action == IOT_ACTION_REVEAL && s->apply == NULL)
        s->hidden = !s->hidden;
      return action == IOT_ACTION_BACK ? IOT_STEP_BACK : IOT_STEP_STAY;
    case APPLY_RUNNING:
      if (action == IOT_ACTION_BACK)
        {
          /* Stop waiting; the run reports nothing after this. */
          g_cancellable_cancel (s->cancellable);
          g_clear_object (&s->cancellable);
          g_clear_handle_id (&s->ticker, g_source_remove);
          s->state = APPLY_INTRO;
        }
      return IOT_STEP_STAY;
    case APPLY_DONE:
      if (action == IOT_ACTION_BACK && retry_offered (s))
        {
          /* The guided steps again (a mistyped passwd), then another check. */
          s->state = APPLY_INTRO;
          s->hidden = FALSE;
          return IOT_STEP_STAY;
        }
      if (action == IOT_ACTION_OPEN || action == IOT_ACTION_BACK)
        return IOT_STEP_NEXT;
      return IOT_STEP_STAY;
    }
  return IOT_STEP_STAY;
}

static int
draw_list (IotUi *ui, int row, int rows, int cols, char **items, UiStyle style)
{
  int used = 0;
  for (guint i = 0; items != NULL && items[i] != NULL && row + used < rows; i++)
    {
      g_autofree char *line = g_strdup_printf ("%u. %s", i + 1, _(items[i]));
      used += ui_text_wrapped (ui, row + used, 2, cols - 4, rows - row - used, style, line);
    }
  return used;
}

/* The new password while the person types it in (passwd, or the settings
 * page); the reveal key hides it. Returns the rows used. */
static int
draw_new_password (Apply *s, IotUi *ui, int row, int rows, int cols)
{
  IotPasswordSetup *setup = s->session->password;
  if (row + 2 > rows)
    return 0;
  if (s->hidden)
    {
      g_autofree char *hidden = g_strdup_printf (
          _("The password is hidden. Press %s to show it again (until you leave this screen)."),
          ui_keys_label (IOT_ACTION_REVEAL));
      return ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL, hidden);
    }
  g_autofree char *head = g_strdup_printf (_("The new password for “%s”:"), setup->device_name);
  ui_text (ui, row, 1, cols - 2, UI_STYLE_HEADER, head);
  ui_secret_text (ui, row + 1, 4, UI_STYLE_BADGE, iot_secret_get (setup->secret),
                  iot_secret_len (setup->secret));
  return 2;
}

/* Log in, then passwd: the numbered steps for an SSH host. */
static int
draw_ssh_steps (Apply *s, IotUi *ui, int row, int rows, int cols)
{
  const char *login = iot_password_guided_get_login (s->guided);
  const char *old = iot_password_guided_get_old (s->guided);
  g_autofree char *step1 = g_strdup_printf (_("Log in to it from a terminal: %s"), login != NULL ? login : "ssh");
  g_autofree char *step2 = g_strdup_printf (_("Type its current password when asked (the default is “%s”)."),
                                            old);
  char *steps[] = {
    step1,
    step2,
    _("Run passwd. It asks for the current password once more, then for the new password twice: "
      "type the one shown below."),
    NULL,
  };
  int used = 0;
  for (guint i = 0; steps[i] != NULL && row + used < rows; i++)
    {
      g_autofree char *line = g_strdup_printf ("%u. %s", i + 1, steps[i]);
      used += ui_text_wrapped (ui, row + used, 2, cols - 4, rows - row - used, UI_STYLE_NORMAL, line);
    }
  return used;
}

static void
draw_intro (Apply *s, IotUi *ui, int row, int rows, int cols)
{
  IotPasswordSetup *setup = s->session->password;
  if (s->apply != NULL)
    {
      ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL,
                       _("The assistant will now set the new password on the device through "
                         "its own interface, then check that the old password is refused and "
                         "the new one works. This takes a few seconds."));
      ui_set_status (ui, UI_STYLE_DIM, _("Press Enter to start, or Esc to go back."));
      return;
    }
  ui_set_status (ui, UI_STYLE_DIM, _("Press Enter when you have set it: the assistant then checks it."));
  if (s->guided != NULL && iot_password_guided_get_kind (s->guided) == IOT_GUIDED_SSH)
    {
      row += ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL,
                              _("Change it on the device yourself, over SSH:"));
      row += draw_ssh_steps (s, ui, row, rows, cols);
      row++;
      draw_new_password (s, ui, row, rows, cols);
      return;
    }
  row += ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL,
                          _("The assistant cannot set it on this device itself. Set it on the "
                            "device's settings page, like this:"));
  row += draw_list (ui, row, rows, cols, setup->profile != NULL ? setup->profile->guidance : NULL,
                    UI_STYLE_NORMAL);
  row++;
  row += draw_new_password (s, ui, row, rows, cols);
  if (s->admin_url == NULL)
    return;
  row++;
  int max = ui_qr_max_modules (rows - row - 1, cols);
  g_autoptr (IotQr) qr = max >= 21 ? iot_qr_new (s->admin_url, max, NULL) : NULL;
  if (qr != NULL)
    {
      int qr_rows, qr_cols;
      ui_qr_size (qr, &qr_rows, &qr_cols);
      ui_qr (ui, row, (cols - qr_cols) / 2, qr);
      row += qr_rows;
    }
  ui_text (ui, row, 1, cols - 2, UI_STYLE_HEADER, s->admin_url);
}

static void
apply_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Apply *s = data;
  IotPasswordSetup *setup = s->session->password;
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
  int row = 0;
  if (setup == NULL)
    return;
  g_autofree char *head = g_strdup_printf (_("Setting the password on “%s”"), setup->device_name);
  ui_text (ui, row++, 1, cols - 2, UI_STYLE_HEADER, head);
  row++;
  if (s->state == APPLY_INTRO && iot_session_get_selected (s->session) == NULL)
    {
      ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_WARN,
                       _("This device has left the network. Press Esc to go back to the "
                         "list."));
      return;
    }
  switch (s->state)
    {
    case APPLY_INTRO:
      draw_intro (s, ui, row, rows, cols);
      return;
    case APPLY_RUNNING:
      {
        gint64 secs = (g_get_monotonic_time () - s->started) / G_USEC_PER_SEC;
        g_autofree char *line = g_strdup_printf (
            "%s (%" G_GINT64_FORMAT " s)",
            s->phase == IOT_APPLY_PHASE_SETTING ? _("Setting the password…") : _("Checking the password…"),
            secs);
        ui_text (ui, row, 1, cols - 2, UI_STYLE_NORMAL, line);
        ui_set_status (ui, UI_STYLE_DIM, _("Esc stops waiting."));
        return;
      }
    case APPLY_DONE:
      {
        const IotCheckResult *r = s->report->result;
        gboolean ok = r->status == IOT_CHECK_PASS || r->status == IOT_CHECK_MANUAL;
        g_autofree char *verdict = g_strdup_printf (_("Guideline 1: %s"), iot_check_status_to_label (r->status));
        ui_text (ui, row++, 1, cols - 2, ok ? UI_STYLE_BADGE : UI_STYLE_WARN, verdict);
        row += ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL, s->report->what);
        g_autofree char *state = g_strdup_printf (_("Its password now: %s"), s->report->state);
        row += ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL, state);
        if (s->report->outcome != IOT_APPLY_VERIFIED && s->report->outcome != IOT_APPLY_MANUAL
            && setup->profile != NULL && setup->profile->reset_steps != NULL)
          {
            row++;
            row += ui_text_wrapped (ui, row, 1, cols - 2, rows - row, UI_STYLE_NORMAL,
                                    _("If you cannot log in to it any more, reset it:"));
            draw_list (ui, row, rows, cols, setup->profile->reset_steps, UI_STYLE_NORMAL);
          }
        if (retry_offered (s))
          ui_set_status (ui, UI_STYLE_DIM,
                         _("Press Esc to see the steps again and check once more, or Enter to go on."));
        else
          ui_set_status (ui, UI_STYLE_DIM, _("Press Enter to see the password."));
        return;
      }
    }
}

static const IotAction apply_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_OPEN, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

/* The guided steps show the new password while the person types it in:
 * there, and only there, the reveal key hides it. */
static const IotAction guided_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_OPEN, IOT_ACTION_REVEAL, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

static const IotAction *
apply_get_bar (IotWizard *w, gpointer data)
{
  const Apply *s = data;
  return s->guided != NULL && s->state == APPLY_INTRO ? guided_bar : apply_bar;
}

const IotStepClass iot_step_password_apply = {
  .id = "password-apply",
  .title = N_ ("Set a password"),
  .bar = apply_bar,
  .enter = apply_enter,
  .action = apply_action,
  .draw = apply_draw,
  .leave = apply_leave,
  .get_bar = apply_get_bar,
};
