/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: personal data (guideline 11, "Make it easy for consumers to delete
 * personal data"). Says what the device holds and what lives in the
 * maker's cloud, from its profile, and offers two paths: "know how" (Enter:
 * the steps are shown and go into the report) or "do it now" (d). Doing it
 * now is destructive, so it needs a deliberate confirmation: the screen
 * says what will be lost and the person types the device's short name;
 * Esc sends nothing. A driver resets the device and the step waits for it
 * to come back in its setup state (Shelly: no password; Homebridge: its
 * bridge announced again with a new HomeKit id and sf=1, found by its
 * address since its host name changes with the id); HomeKit and Matter
 * devices are removed in their controller app by the person (we never pair
 * or unpair) and their own announcement (sf=1, CM=1) is the evidence.
 */
#include "config.h"

#include "steps.h"

#include "app/core/drivers/iot-driver.h"
#include "app/core/iot-qr.h"
#include "app/core/iot-session.h"
#include "app/ui/ui-keys.h"
#include "app/ui/ui-qr.h"
#include "app/ui/ui.h"

#include <glib/gi18n.h>
#include <string.h>

typedef enum
{
  CHOOSE,
  KNOW_HOW,
  CONFIRM,
  GUIDED,    /* the person does it by hand, then presses Enter */
  RESETTING,
  RESULT,
} State;

typedef struct _Data Data;

struct _Data
{
  IotWizard *wizard;
  IotSession *session;
  IotSetupTarget *target;
  const IotDriver *driver;
  IotStepLink *link;
  GCancellable *cancellable;
  State state;
  GString *typed; /* the short name being typed (not a secret) */
  gint64 started;
  gint64 back;  /* monotonic µs when the driver saw the device back; 0 before */
  guint tick;
  IotCheckStatus status;
  char *outcome; /* the result, for the screen */
};

static void
record (Data *d, IotEraseOutcome outcome, const char *evidence)
{
  IotSetupRecord *rec = iot_session_get_record (d->session, d->target->device_id);
  IotCheckResult *r = iot_erase_decide (d->target->profile, outcome, evidence);
  d->status = r->status;
  g_free (d->outcome);
  d->outcome = g_strdup (r->evidence);
  iot_setup_record_set_result (rec, r);
  const char *todo = _("Delete your data from the device before you sell, return or throw it away.");
  if (outcome == IOT_ERASE_VERIFIED)
    {
      iot_setup_record_add_change (rec, _("The device was reset to its factory settings: your data on it is gone."));
      iot_setup_record_drop_todo (rec, todo);
    }
  else
    iot_setup_record_add_todo (rec, todo);
}

static gboolean
tick_cb (gpointer data)
{
  iot_wizard_changed (((Data *) data)->wizard);
  return G_SOURCE_CONTINUE;
}

/* While Homebridge restarts: is its new identity announced yet? Gives up
 * after network.restart_timeout. */
static gboolean
hap_tick_cb (gpointer data)
{
  Data *d = data;
  g_autofree char *evidence = NULL;
  IotDevice *dev = iot_setup_hap_reset_seen (d->session->registry, d->target->address, d->target->hap_id,
                                             &evidence);
  gint64 waited = (g_get_monotonic_time () - d->back) / G_USEC_PER_SEC;
  if (dev == NULL && waited < (gint64) d->session->config->restart_timeout)
    {
      iot_wizard_changed (d->wizard);
      return G_SOURCE_CONTINUE;
    }
  d->tick = 0;
  if (dev != NULL)
    {
      /* The same bridge under a new host name: the wizard follows it. */
      iot_session_follow_device (d->session, dev->id);
      g_free (d->target->device_id);
      d->target->device_id = g_strdup (dev->id);
      record (d, IOT_ERASE_VERIFIED, evidence);
    }
  else
    record (d, IOT_ERASE_NOT_VERIFIED,
            _("the bridge did not announce a new HomeKit identity in time: it may still be paired."));
  d->state = RESULT;
  iot_wizard_changed (d->wizard);
  return G_SOURCE_REMOVE;
}

static void
on_reset (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverInfo) info = iot_driver_info_finish (result, &error);
  Data *d = iot_step_link_done (data);
  if (d == NULL)
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_handle_id (&d->tick, g_source_remove);
  gint64 secs = (g_get_monotonic_time () - d->started) / G_USEC_PER_SEC;
  if (info == NULL)
    record (d, IOT_ERASE_NOT_VERIFIED, error->message);
  else if (d->target->hap_id != NULL)
    {
      /* Homebridge: the page is back; the evidence is the bridge's own
       * announcement, which the tick looks for. */
      d->back = g_get_monotonic_time ();
      d->tick = g_timeout_add (250, hap_tick_cb, d);
      iot_wizard_changed (d->wizard);
      return;
    }
  else
    {
      /* Translators: a device id, a firmware version and seconds */
      g_autofree char *ev = g_strdup_printf (_("after %d s the device (%s, firmware %s) "
                                               "answered again with auth_en:false, no password."),
                                             (int) secs, info->id, info->firmware);
      record (d, IOT_ERASE_VERIFIED, ev);
    }
  d->state = RESULT;
  iot_wizard_changed (d->wizard);
}

static gpointer
data_enter (IotWizard *w)
{
  Data *d = g_new0 (Data, 1);
  d->wizard = w;
  d->session = iot_wizard_get_context (w);
  d->typed = g_string_new (NULL);
  return d;
}

/* The device, once discovery has it: after an update it is away for a
 * moment, and the step waits for it rather than giving up. */
static gboolean
ensure_target (Data *d)
{
  if (d->target != NULL)
    return TRUE;
  IotDevice *dev = iot_session_get_selected (d->session);
  if (dev == NULL)
    return FALSE;
  d->target = iot_setup_target_new (dev, d->session->profiles);
  d->driver = d->target->profile ? iot_driver_lookup (d->target->profile->driver) : NULL;
  if (d->driver && d->driver->factory_reset == NULL)
    d->driver = NULL;
  return TRUE;
}

static void
data_leave (IotWizard *w, gpointer data)
{
  Data *d = data;
  g_clear_handle_id (&d->tick, g_source_remove);
  if (d->cancellable)
    g_cancellable_cancel (d->cancellable);
  g_clear_object (&d->cancellable);
  iot_step_link_release (d->link);
  iot_setup_target_free (d->target);
  g_string_free (d->typed, TRUE);
  g_free (d->outcome);
  g_free (d);
}

static void
start_reset (Data *d)
{
  /* CONFIRM is only reached with a driver. */
  g_return_if_fail (d->driver != NULL);
  IotStepLink *l = d->link = iot_step_link_new (d, d->session, d->target, d->driver);
  d->cancellable = g_cancellable_new ();
  d->started = g_get_monotonic_time ();
  d->tick = g_timeout_add_seconds (1, tick_cb, d);
  d->state = RESETTING;
  l->busy = TRUE;
  d->driver->factory_reset (l->dev, d->cancellable, on_reset, l);
}

/* After the person did it by hand: what the device announces now. */
static void
guided_done (Data *d)
{
  IotDevice *dev = iot_registry_get_device (d->session->registry, d->target->device_id);
  g_autofree char *evidence = NULL;
  int state = dev ? iot_setup_txt_setup_state (dev, &evidence) : -1;
  if (state == 1)
    record (d, IOT_ERASE_VERIFIED, evidence);
  else if (state == 0)
    {
      /* Translators: %s is the TXT record that shows it */
      g_autofree char *why = g_strdup_printf (_("the device still announces that it is paired (%s)."), evidence);
      record (d, IOT_ERASE_NOT_VERIFIED, why);
    }
  else
    record (d, IOT_ERASE_KNOW_HOW, NULL);
  d->state = RESULT;
}

static gboolean
data_text (IotWizard *w, gpointer data, gunichar c)
{
  Data *d = data;
  if (d->state != CONFIRM)
    return FALSE;
  if (c == IOT_TEXT_BACKSPACE)
    {
      if (d->typed->len > 0)
        g_string_truncate (d->typed, d->typed->len - 1);
    }
  else if (g_unichar_isalnum (c) && c < 0x80 && d->typed->len < 16)
    g_string_append_c (d->typed, (char) g_ascii_tolower ((char) c));
  iot_wizard_changed (w);
  return TRUE;
}

static IotStepResult
data_action (IotWizard *w, gpointer data, IotAction action)
{
  Data *d = data;
  if (!ensure_target (d))
    return action == IOT_ACTION_QUIT ? IOT_STEP_QUIT : action == IOT_ACTION_BACK ? IOT_STEP_BACK : IOT_STEP_STAY;
  switch (action)
    {
    case IOT_ACTION_OPEN:
      switch (d->state)
        {
        case CHOOSE:
          record (d, IOT_ERASE_KNOW_HOW, NULL);
          d->state = KNOW_HOW;
          return IOT_STEP_STAY;
        case CONFIRM:
          if (strcmp (d->typed->str, d->target->short_name) != 0)
            return IOT_STEP_STAY;
          start_reset (d);
          return IOT_STEP_STAY;
        case GUIDED:
          guided_done (d);
          return IOT_STEP_STAY;
        case RESETTING:
          return IOT_STEP_STAY;
        case KNOW_HOW:
        case RESULT:
          iot_wizard_set_next (w, "summary");
          return IOT_STEP_NEXT;
        }
      return IOT_STEP_STAY;
    case IOT_ACTION_ERASE:
      /* Also from a result: a device still announced as paired may only
       * need another go in its app. */
      if (d->state != CHOOSE && d->state != KNOW_HOW && d->state != RESULT)
        return IOT_STEP_STAY;
      g_string_truncate (d->typed, 0);
      d->state = d->driver && d->target->address ? CONFIRM : GUIDED;
      return IOT_STEP_STAY;
    case IOT_ACTION_NEXT_STEP:
      if (d->state == RESETTING || d->state == CONFIRM)
        return IOT_STEP_STAY;
      iot_wizard_set_next (w, "summary");
      return IOT_STEP_NEXT;
    case IOT_ACTION_BACK:
      /* Esc at a confirmation cancels it: nothing was sent. */
      if (d->state == CONFIRM || d->state == GUIDED)
        {
          d->state = CHOOSE;
          return IOT_STEP_STAY;
        }
      if (d->state == RESETTING)
        return IOT_STEP_STAY;
      return IOT_STEP_BACK;
    case IOT_ACTION_QUIT:
      return d->state == RESETTING ? IOT_STEP_STAY : IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

static int
bullets (IotUi *ui, int row, char **items, gboolean numbered)
{
  int used = 0;
  for (guint i = 0; items && items[i]; i++)
    {
      g_autofree char *t = numbered ? g_strdup_printf ("%u. %s", i + 1, _(items[i]))
                                    : g_strdup_printf ("- %s", _(items[i]));
      used += ui_paragraph (ui, row + used, UI_STYLE_NORMAL, t);
    }
  return used;
}

static void
data_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Data *d = data;
  int row = 0;
  if (!ensure_target (d))
    {
      ui_paragraph (ui, 1, UI_STYLE_WARN, _("This device has left the network. Press Esc to go back to the list."));
      return;
    }
  const IotProfile *p = d->target->profile;
  g_autofree char *head = g_strdup_printf (_("Your personal data on “%s”"), d->target->name);
  row += ui_paragraph (ui, row, UI_STYLE_HEADER, head);
  row += ui_paragraph (ui, row, UI_STYLE_DIM,
               _("Guideline 11, make it easy to delete personal data: before you sell, return or "
                 "throw away a device, wipe it."));
  row++;
  switch (d->state)
    {
    case CHOOSE:
    case KNOW_HOW:
      if (p && p->personal_data && p->personal_data[0])
        {
          row += ui_paragraph (ui, row, UI_STYLE_NORMAL, _("This device holds:"));
          row += bullets (ui, row, p->personal_data, FALSE);
        }
      if (p && p->cloud_deletion && *p->cloud_deletion)
        row += ui_paragraph (ui, row, UI_STYLE_NORMAL, _(p->cloud_deletion));
      row++;
      if (d->state == KNOW_HOW)
        {
          row += ui_paragraph (ui, row, UI_STYLE_NORMAL, _("How to delete it (saved in the report):"));
          row += bullets (ui, row, p ? p->reset_steps : NULL, TRUE);
          row++;
        }
      ui_paragraph (ui, row, UI_STYLE_WARN,
            d->state == CHOOSE ? _("Enter: show me how, for later. d: delete it now. n: skip.")
                               : _("Enter: go on. d: delete it now."));
      break;
    case CONFIRM:
      {
        row += ui_paragraph (ui, row, UI_STYLE_ERROR,
                             p && p->reset_loses && *p->reset_loses
                               ? _(p->reset_loses)
                               : _("This resets the device to its factory settings. Lost: its password, its Wi-Fi "
                                   "settings, its name, schedules and everything listed before. It restarts and must "
                                   "be set up again."));
        /* Translators: %s is a short code (letters and digits) the person types */
        g_autofree char *ask = g_strdup_printf (_("To confirm, type %s (the end of the device's name) and "
                                                  "press Enter. Esc cancels; nothing is sent."),
                                                d->target->short_name);
        row++;
        row += ui_paragraph (ui, row, UI_STYLE_NORMAL, ask);
        g_autofree char *typed = g_strdup_printf ("> %s_", d->typed->str);
        ui_paragraph (ui, row + 1, UI_STYLE_BADGE, typed);
        break;
      }
    case GUIDED:
      row += ui_paragraph (ui, row, UI_STYLE_NORMAL, _("Do this now, then press Enter (Esc: not now):"));
      row += bullets (ui, row, p ? p->reset_steps : NULL, TRUE);
      break;
    case RESETTING:
      {
        gint64 secs = (g_get_monotonic_time () - d->started) / G_USEC_PER_SEC;
        static const char spin[] = "|/-\\";
        g_autofree char *msg = NULL;
        if (d->back != 0)
          /* Translators: a spinner, seconds so far, and the limit in seconds */
          msg = g_strdup_printf (_("Waiting for the bridge to announce its new HomeKit identity %c %d s of at most "
                                   "%u s."),
                                 spin[secs % 4], (int) ((g_get_monotonic_time () - d->back) / G_USEC_PER_SEC),
                                 (guint) d->session->config->restart_timeout);
        else
          /* Translators: a spinner, seconds so far, and the limit in seconds */
          msg = g_strdup_printf (_("Resetting %c %d s of at most %u s: the device "
                                   "restarts. Please wait."),
                                 spin[secs % 4], (int) secs, (guint) d->session->config->restart_timeout);
        ui_paragraph (ui, row, UI_STYLE_NORMAL, msg);
        break;
      }
    case RESULT:
      {
        g_autofree char *res = g_strdup_printf ("%s: %s", iot_check_status_to_label (d->status), d->outcome);
        row += ui_paragraph (ui, row, d->status == IOT_CHECK_PASS ? UI_STYLE_NORMAL : UI_STYLE_WARN, res);
        ui_paragraph (ui, row + 1, UI_STYLE_NORMAL, _("Press Enter for the summary."));
        break;
      }
    }
  if (d->state == CHOOSE || d->state == GUIDED)
    {
      /* The device's own page, where its reset and account settings are. */
      int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
      row += 1;
      int max = d->target->admin_url && row < rows ? ui_qr_max_modules (rows - row, cols) : 0;
      g_autoptr (IotQr) qr = max >= 21 ? iot_qr_new (d->target->admin_url, max, NULL) : NULL;
      if (qr != NULL)
        {
          int qr_rows, qr_cols;
          ui_qr_size (qr, &qr_rows, &qr_cols);
          ui_qr (ui, rows - qr_rows, (cols - qr_cols) / 2, qr);
        }
    }
}

static const IotAction data_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_OPEN, IOT_ACTION_ERASE, IOT_ACTION_NEXT_STEP, IOT_ACTION_BACK, IOT_ACTION_NONE,
};

const IotStepClass iot_step_personal_data = {
  .id = "personal-data",
  .title = N_ ("Personal data"),
  .bar = data_bar,
  .enter = data_enter,
  .action = data_action,
  .draw = data_draw,
  .leave = data_leave,
  .text = data_text,
};
