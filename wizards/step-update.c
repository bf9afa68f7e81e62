/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: updates (guideline 3, "Keep software updated"). Shows the version,
 * whether an update is available, the support period from the profile and
 * whether the device updates itself. Through the device's driver it asks
 * the device to check; on consent (Enter) it installs the update and waits,
 * with a progress line, while the device restarts, and records PASS only
 * when the new version is seen. Without a driver it shows the profile's
 * steps with a QR code to the device's settings page and asks the person,
 * whose answer is recorded as theirs (MANUAL). A device that could not
 * check (the Homebridge page offline answers "no update" after ~6 s) is
 * "unknown", shown with the same steps and a QR code to its update page.
 * The check shows its seconds and Esc cancels it; Esc before consent sends
 * nothing; leaving cancels what is under way.
 */
#include "config.h"

#include "steps.h"

#include "app/core/drivers/iot-driver.h"
#include "app/core/iot-qr.h"
#include "app/core/iot-session.h"
#include "app/core/iot-trace.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui-qr.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>

typedef enum
{
  CHECKING,
  NO_UPDATE,
  AVAILABLE,
  UPDATING,
  INSTALLED,
  FAILED,
  UNKNOWN,
  GUIDED,
  ANSWERED,
} State;

typedef struct _Update Update;

struct _Update
{
  IotWizard *wizard;
  IotSession *session;
  IotSetupTarget *target;
  const IotDriver *driver;
  IotStepLink *link;
  GCancellable *cancellable;
  State state;
  char *version, *available, *installed, *reason;
  IotDriverPhase phase;
  gint64 started; /* monotonic µs, of the update */
  guint tick;     /* redraws the progress line once a second */
};

static void
record (Update *u, gboolean person_says_on)
{
  iot_trace ("update-state", "%d", u->state);
  IotSetupRecord *rec = iot_session_get_record (u->session, u->target->device_id);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  IotUpdateFacts f = { .profile = u->target->profile, .now = now, .version = u->version,
                       .available = u->available, .installed = u->installed, .reason = u->reason,
                       .person_says_on = person_says_on };
  switch (u->state)
    {
    case INSTALLED: f.state = IOT_UPDATE_STATE_INSTALLED; break;
    case NO_UPDATE: f.state = IOT_UPDATE_STATE_NONE; break;
    case AVAILABLE: f.state = IOT_UPDATE_STATE_AVAILABLE; break;
    case FAILED: f.state = IOT_UPDATE_STATE_FAILED; break;
    case ANSWERED: f.state = IOT_UPDATE_STATE_GUIDED; break;
    default: f.state = IOT_UPDATE_STATE_UNKNOWN; break;
    }
  IotCheckResult *r = iot_update_decide (&f);
  const char *todo = _("Check for updates on the device's settings page or in its app.");
  if (r->status != IOT_CHECK_PASS && r->status != IOT_CHECK_NA)
    iot_setup_record_add_todo (rec, todo);
  else
    iot_setup_record_drop_todo (rec, todo);
  iot_setup_record_set_result (rec, r);
  if (u->state == INSTALLED)
    {
      /* Translators: two firmware versions */
      g_autofree char *c = g_strdup_printf (_("Firmware updated from %s to %s."), u->version, u->installed);
      iot_setup_record_add_change (rec, c);
    }
}

static gboolean
tick_cb (gpointer data)
{
  iot_wizard_changed (((Update *) data)->wizard);
  return G_SOURCE_CONTINUE;
}

static void
on_progress (IotDriverPhase phase, gint64 elapsed_ms, gpointer data)
{
  IotStepLink *l = data;
  Update *u = l->step;
  if (u == NULL)
    return;
  u->phase = phase;
  iot_wizard_changed (u->wizard);
}

static void
fail_with (Update *u, State state, const GError *error)
{
  g_free (u->reason);
  u->reason = g_strdup (error->message);
  u->state = state;
  record (u, FALSE);
  iot_wizard_changed (u->wizard);
}

static void
on_updated (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverInfo) info = iot_driver_info_finish (result, &error);
  Update *u = iot_step_link_done (data);
  if (u == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_handle_id (&u->tick, g_source_remove);
  if (info == NULL)
    {
      fail_with (u, FAILED, error);
      return;
    }
  u->installed = g_strdup (info->firmware);
  u->state = INSTALLED;
  record (u, FALSE);
  iot_wizard_changed (u->wizard);
}

static void
on_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverUpdate) up = iot_driver_update_finish (result, &error);
  Update *u = iot_step_link_done (data);
  if (u == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_handle_id (&u->tick, g_source_remove);
  if (up == NULL)
    {
      /* Offline, refused or no answer: nobody knows, which is not "up to date". */
      fail_with (u, UNKNOWN, error);
      return;
    }
  u->version = g_strdup (up->current);
  u->available = g_strdup (up->available);
  if (up->unknown)
    {
      /* It answered, but could not ask its update server: not "up to date". */
      g_clear_handle_id (&u->tick, g_source_remove);
      u->reason = g_strdup (_("could not check (offline)"));
      u->state = UNKNOWN;
      record (u, FALSE);
      iot_wizard_changed (u->wizard);
      return;
    }
  u->state = up->available ? AVAILABLE : NO_UPDATE;
  record (u, FALSE);
  iot_wizard_changed (u->wizard);
}

static gpointer
update_enter (IotWizard *w)
{
  Update *u = g_new0 (Update, 1);
  u->wizard = w;
  u->session = iot_wizard_get_context (w);
  IotDevice *d = iot_session_get_selected (u->session);
  if (d == NULL)
    {
      u->state = UNKNOWN;
      return u;
    }
  u->target = iot_setup_target_new (d, u->session->profiles);
  u->driver = u->target->profile ? iot_driver_lookup (u->target->profile->driver) : NULL;
  if (u->driver == NULL || u->driver->check_update == NULL || u->target->address == NULL)
    {
      u->state = GUIDED;
      return u;
    }
  IotStepLink *l = u->link = iot_step_link_new (u, u->session, u->target, u->driver);
  l->dev->progress = on_progress;
  l->dev->progress_data = l;
  u->cancellable = g_cancellable_new ();
  u->state = CHECKING;
  u->started = g_get_monotonic_time ();
  u->tick = g_timeout_add_seconds (1, tick_cb, u);
  l->busy = TRUE;
  u->driver->check_update (l->dev, u->cancellable, on_checked, l);
  return u;
}

static void
update_leave (IotWizard *w, gpointer data)
{
  Update *u = data;
  g_clear_handle_id (&u->tick, g_source_remove);
  if (u->cancellable)
    g_cancellable_cancel (u->cancellable);
  g_clear_object (&u->cancellable);
  iot_step_link_release (u->link);
  iot_setup_target_free (u->target);
  g_free (u->version);
  g_free (u->available);
  g_free (u->installed);
  g_free (u->reason);
  g_free (u);
}

static IotStepResult
update_action (IotWizard *w, gpointer data, IotAction action)
{
  Update *u = data;
  iot_trace ("update-action", "%d in state %d", action, u->state);
  switch (action)
    {
    case IOT_ACTION_OPEN:
      if (u->state == AVAILABLE && u->driver->update != NULL)
        {
          u->state = UPDATING;
          u->phase = IOT_DRIVER_PHASE_SENT;
          u->started = g_get_monotonic_time ();
          u->tick = g_timeout_add_seconds (1, tick_cb, u);
          u->link->busy = TRUE;
          u->driver->update (u->link->dev, u->cancellable, on_updated, u->link);
          return IOT_STEP_STAY;
        }
      if (u->state == GUIDED)
        {
          u->state = ANSWERED;
          record (u, TRUE);
          return IOT_STEP_STAY;
        }
      if (u->state == CHECKING || u->state == UPDATING)
        return IOT_STEP_STAY;
      iot_wizard_set_next (w, "personal-data");
      return IOT_STEP_NEXT;
    case IOT_ACTION_NEXT_STEP:
      if (u->state == UPDATING)
        return IOT_STEP_STAY;
      if (u->state == GUIDED)
        {
          u->state = ANSWERED;
          record (u, FALSE);
          return IOT_STEP_STAY;
        }
      iot_wizard_set_next (w, "personal-data");
      return IOT_STEP_NEXT;
    case IOT_ACTION_BACK:
      /* While the device installs, leaving would only stop our watching:
       * the person is told to wait instead. */
      if (u->state == UPDATING)
        return IOT_STEP_STAY;
      if (u->state == CHECKING)
        {
          /* Only a question was asked: stop waiting for its answer. */
          g_cancellable_cancel (u->cancellable);
          g_clear_handle_id (&u->tick, g_source_remove);
          u->reason = g_strdup (_("you stopped the check"));
          u->state = UNKNOWN;
          record (u, FALSE);
          return IOT_STEP_STAY;
        }
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

static void
update_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Update *u = data;
  int row = 0;
  if (u->target == NULL)
    {
      ui_paragraph (ui, 1, UI_STYLE_WARN, _("This device has left the network. Press Esc to go back to the list."));
      return;
    }
  g_autofree char *head = g_strdup_printf (_("Updates for “%s”"), u->target->name);
  row += ui_paragraph (ui, row, UI_STYLE_HEADER, head);
  row += ui_paragraph (ui, row, UI_STYLE_DIM,
               _("Guideline 3, keep software updated: updates fix the flaws attackers use."));
  row++;
  const IotProfile *p = u->target->profile;
  g_autofree char *until = p && *p->support_until
                             /* Translators: %s is a date, YYYY-MM-DD */
                             ? g_strdup_printf (_("The maker promises security updates until %s."), p->support_until)
                             : g_strdup (_("The maker has published no date until which this device gets updates."));
  row += ui_paragraph (ui, row, UI_STYLE_NORMAL, until);
  IotAutoUpdate au = p ? p->auto_update : IOT_AUTO_UPDATE_UNKNOWN;
  row += ui_paragraph (ui, row, au == IOT_AUTO_UPDATE_NO ? UI_STYLE_WARN : UI_STYLE_NORMAL,
               au == IOT_AUTO_UPDATE_YES        ? _("It installs updates by itself.")
               : au == IOT_AUTO_UPDATE_OPTIONAL ? _("It can install updates by itself once you turn that on.")
               : au == IOT_AUTO_UPDATE_NO       ? _("It cannot install updates by itself: it has no such setting.")
                                                : _("Whether it installs updates by itself is not known."));
  row++;
  g_autofree char *msg = NULL;
  UiStyle style = UI_STYLE_NORMAL;
  switch (u->state)
    {
    case CHECKING:
      {
        gint64 secs = (g_get_monotonic_time () - u->started) / G_USEC_PER_SEC;
        static const char spin[] = "|/-\\";
        /* Translators: a spinner and the seconds so far */
        msg = g_strdup_printf (_("Asking the device whether an update is available %c %d s (Esc stops waiting)…"),
                               spin[secs % 4], (int) secs);
        break;
      }
    case NO_UPDATE:
      /* Translators: %s is a firmware version */
      msg = g_strdup_printf (_("Version %s is installed, and the device reports no newer one. Press Enter to go on."),
                             u->version);
      break;
    case AVAILABLE:
      /* Translators: two firmware versions */
      msg = g_strdup_printf (_("Version %s is installed; version %s is available. Press Enter to install it now "
                               "(the device restarts and is away for a while), or n to skip."),
                             u->version, u->available);
      style = UI_STYLE_WARN;
      break;
    case UPDATING:
      {
        gint64 secs = (g_get_monotonic_time () - u->started) / G_USEC_PER_SEC;
        guint limit = (guint) u->session->config->restart_timeout;
        const char *phase = u->phase == IOT_DRIVER_PHASE_SENT ? _("Installing")
                            : u->phase == IOT_DRIVER_PHASE_BACK ? _("Back")
                                                                : _("Restarting, waiting for it to come back");
        static const char spin[] = "|/-\\";
        /* Translators: a phase ("Installing"), a spinner, seconds so far, and the limit in seconds */
        msg = g_strdup_printf (_("%s %c %d s of at most %u s. Please wait and keep the device plugged in."),
                               phase, spin[secs % 4], (int) secs, limit);
        break;
      }
    case INSTALLED:
      /* Translators: a firmware version */
      msg = g_strdup_printf (_("Done: the device is back with version %s. Press Enter to go on."), u->installed);
      break;
    case FAILED:
      /* Translators: %s says what went wrong */
      msg = g_strdup_printf (_("The update could not be confirmed: %s. It is not counted as done."), u->reason);
      style = UI_STYLE_ERROR;
      break;
    case UNKNOWN:
      if (u->version != NULL)
        {
          /* Translators: %s is a software version */
          g_autofree char *v = g_strdup_printf (_("Version %s is installed."), u->version);
          row += ui_paragraph (ui, row, UI_STYLE_NORMAL, v);
        }
      /* Translators: %s says why */
      msg = g_strdup_printf (_("Unknown whether an update is available: %s"), u->reason ? u->reason : "");
      style = UI_STYLE_WARN;
      break;
    case GUIDED:
    case ANSWERED:
      break;
    }
  if (msg)
    row += ui_paragraph (ui, row, style, msg);
  if (u->state == GUIDED || u->state == ANSWERED || u->state == UNKNOWN)
    {
      if (p && p->updates)
        row += ui_paragraph (ui, row, UI_STYLE_NORMAL, _(p->updates));
      if (u->state != UNKNOWN)
        row += ui_paragraph (ui, row, UI_STYLE_WARN,
                             u->state == GUIDED ? _("Are automatic updates on now? Enter: yes. n: no or not sure.")
                                                : _("Your answer is recorded as yours. Press Enter to go on."));
      row++;
      const char *url = u->target->update_url;
      int max = url ? ui_qr_max_modules (ui_body_rows (ui) - row, ui_body_cols (ui)) : 0;
      g_autoptr (IotQr) qr = max >= 21 ? iot_qr_new (url, max, NULL) : NULL;
      if (qr != NULL)
        {
          int qr_rows, qr_cols;
          ui_qr_size (qr, &qr_rows, &qr_cols);
          ui_qr (ui, row, (ui_body_cols (ui) - qr_cols) / 2, qr);
          ui_paragraph (ui, row + qr_rows, UI_STYLE_DIM, url);
        }
    }
  if (u->state != UPDATING && u->state != CHECKING)
    ui_set_status (ui, UI_STYLE_DIM, _("Next: deleting your personal data (n)."));
}

static const IotAction update_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_OPEN, IOT_ACTION_NEXT_STEP, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_update = {
  .id = "update",
  .title = N_ ("Updates"),
  .bar = update_bar,
  .enter = update_enter,
  .action = update_action,
  .draw = update_draw,
  .leave = update_leave,
};
