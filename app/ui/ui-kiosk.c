/* SPDX-License-Identifier: GPL-3.0-or-later
 * Kiosk mode in the terminal (see ui-kiosk.h). The terminal is locked down
 * (raw mode: Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-S arrive as keys nothing is
 * bound to; the application ignores the signals). Leaving, and the staff
 * assessment, need the staff PIN; a session ends on Finish (with a receipt)
 * or when idle, and its end leaves nothing of the customer in memory or on
 * the screen.
 */
#include "config.h"

#include "ui-kiosk.h"

#include "app/core/iot-kiosk.h"
#include "app/core/iot-language.h"
#include "app/core/iot-receipt.h"
#include "app/core/iot-secret.h"
#include "ui-keys.h"
#include "ui-term.h"

#include <curses.h>
#include <glib/gi18n.h>

struct _UiKiosk
{
  IotSession *session;
  const IotStepClass *const *steps;
  const UiKioskHost *host;
  gpointer host_data;
  IotKiosk *kiosk;
  gboolean staff;     /* the staff PIN was given */
  gboolean pin_open;  /* the PIN prompt is on screen */
  gboolean menu_open; /* the staff menu is on screen */
  gboolean finishing; /* the receipt is being made */
  IotSecret *pin;
  char *pin_message;
  IotKioskPinGuard guard;
  GCancellable *cancel; /* the PIN check and the receipt of this session */
  IotAction bar[16];    /* the customer's function bar of the last draw */
  /* The receipt of this session could not be made: why (shown to the
   * customer until a key or the idle timeout ends the session). */
  char *receipt_problem;
  /* The latest such problem of any session, for staff (in their menu). */
  char *last_receipt_problem;
};

static void kiosk_finish (UiKiosk *k);

static IotWizard *
wizard (UiKiosk *k)
{
  return k->host->wizard (k->host_data);
}

static void
redraw (UiKiosk *k)
{
  k->host->redraw (k->host_data);
}

/* The timer runs while anyone uses the kiosk: everywhere but the welcome. */
static void
after_action (UiKiosk *k)
{
  IotWizard *w = wizard (k);
  const IotStepClass *step = iot_wizard_get_step (w);
  gboolean welcome = step == k->steps[0] && iot_wizard_get_depth (w) == 0;
  iot_kiosk_set_armed (k->kiosk, !welcome || k->staff || k->pin_open || k->menu_open);
  IotSession *s = k->session;
  if (!k->staff && s->selected_id)
    iot_kiosk_note_device (k->kiosk, s->selected_id);
  redraw (k);
}

/* Ends the session: nothing of it stays in memory or on the screen. */
static void
kiosk_reset (UiKiosk *k)
{
  g_cancellable_cancel (k->cancel);
  g_clear_object (&k->cancel);
  k->cancel = g_cancellable_new ();
  k->staff = k->pin_open = k->menu_open = k->finishing = FALSE;
  g_clear_pointer (&k->pin_message, g_free);
  g_clear_pointer (&k->receipt_problem, g_free);
  /* Every secret first (k->pin, a password on the hand-over screen, the
   * device's new password kept for the later steps), wherever it is. */
  iot_kiosk_end_session (k->kiosk);
  /* A fresh wizard: the steps leave (cancelling what they had under way)
   * and no step keeps what the last customer saw. */
  k->host->restart (k->host_data);
  IotSession *s = k->session;
  iot_session_select (s, NULL);
  /* The customer's answers on guideline cards, and the badges, go too;
   * so do the password wizard's state, the setup records and the HTTP
   * connections to their devices. */
  g_hash_table_remove_all (s->check_notes);
  g_clear_pointer (&s->observed, g_hash_table_unref);
  g_clear_pointer (&s->password, iot_password_setup_free);
  iot_session_clear_setup (s);
  g_clear_pointer (&s->http, iot_http_free);
}

static void
kiosk_countdown_cb (IotKiosk *kiosk, guint left, gpointer data)
{
  redraw (data);
}

static void
kiosk_expired_cb (IotKiosk *kiosk, gpointer data)
{
  kiosk_reset (data);
}

/**
 * ui_kiosk_new:
 * @session: (transfer none): outlives the kiosk
 * @steps: the kiosk's wizard; the first step is the welcome
 *
 * Locks the terminal down and starts in the shop's language.
 */
UiKiosk *
ui_kiosk_new (IotSession *session, const IotStepClass *const *steps, const UiKioskHost *host,
              gpointer data)
{
  UiKiosk *k = g_new0 (UiKiosk, 1);
  k->session = session;
  k->steps = steps;
  k->host = host;
  k->host_data = data;
  ui_term_lock_down ();
  ui_keys_set_kiosk (TRUE);
  const IotKioskCallbacks cb = { .countdown = kiosk_countdown_cb, .expired = kiosk_expired_cb };
  k->kiosk = iot_kiosk_new (session->config, &cb, k);
  k->pin = iot_secret_new ();
  k->cancel = g_cancellable_new ();
  /* Every session starts in the shop's language. */
  g_autoptr (GError) error = NULL;
  if (!iot_language_apply (iot_kiosk_get_default_language (k->kiosk), &error))
    g_debug ("Kiosk language: %s", error->message);
  return k;
}

void
ui_kiosk_free (UiKiosk *k)
{
  if (k == NULL)
    return;
  g_cancellable_cancel (k->cancel);
  g_clear_object (&k->cancel);
  iot_secret_wipe_all ();
  g_clear_pointer (&k->pin, iot_secret_free);
  g_clear_pointer (&k->pin_message, g_free);
  g_clear_pointer (&k->receipt_problem, g_free);
  g_clear_pointer (&k->last_receipt_problem, g_free);
  g_clear_pointer (&k->kiosk, iot_kiosk_free);
  ui_keys_set_kiosk (FALSE);
  g_free (k);
}

/* TRUE while the kiosk draws the body itself (PIN prompt, staff menu, the
 * receipt being made) instead of the wizard's step. */
gboolean
ui_kiosk_is_drawing (UiKiosk *k)
{
  return k->pin_open || k->menu_open || k->finishing || k->receipt_problem;
}

/* Whether the customer's bar shows @action: never Quit (staff's, behind
 * the PIN), the shop's Wi-Fi key, or saving into a home directory. */
static gboolean
customer_action (IotAction action)
{
  return action != IOT_ACTION_QUIT && action != IOT_ACTION_WIFI_QR && action != IOT_ACTION_SAVE &&
         action != IOT_ACTION_HELP;
}

/* The function bar: none over the kiosk's own screens; staff see the
 * step's. A customer sees a short one on the welcome and the device list,
 * and the step's own keys in a device and its setup, always with Finish. */
const IotAction *
ui_kiosk_bar (UiKiosk *k, const IotStepClass *step, const IotAction *own)
{
  static const IotAction kiosk_bar[] = {
    IOT_ACTION_HELP,   IOT_ACTION_OPEN,  IOT_ACTION_BACK, IOT_ACTION_LANGUAGE,
    IOT_ACTION_FINISH, IOT_ACTION_STAFF, IOT_ACTION_NONE,
  };
  static const IotAction no_bar[] = { IOT_ACTION_NONE };
  if (ui_kiosk_is_drawing (k))
    return no_bar;
  if (k->staff)
    return own;
  if (g_strcmp0 (step->id, "language") == 0 || g_strcmp0 (step->id, "devices") == 0)
    return kiosk_bar;
  /* Help, Finish, then the step's own, so that Finish stays on the bar
   * when a long translation leaves items out; Staff last. */
  guint n = 0;
  k->bar[n++] = IOT_ACTION_HELP;
  k->bar[n++] = IOT_ACTION_FINISH;
  for (const IotAction *a = own; *a != IOT_ACTION_NONE && n < G_N_ELEMENTS (k->bar) - 2; a++)
    if (customer_action (*a))
      k->bar[n++] = *a;
  k->bar[n++] = IOT_ACTION_STAFF;
  k->bar[n] = IOT_ACTION_NONE;
  return k->bar;
}

/* The idle countdown, over whatever the step put in the status line. */
void
ui_kiosk_draw_status (UiKiosk *k, IotUi *ui)
{
  int left = iot_kiosk_get_countdown (k->kiosk);
  if (left < 0)
    return;
  g_autofree char *msg =
    g_strdup_printf (ngettext ("This session ends in %d second. Press any key to continue.",
                               "This session ends in %d seconds. Press any key to continue.", left),
                     left);
  ui_set_status (ui, UI_STYLE_WARN, msg);
}

void
ui_kiosk_draw (UiKiosk *k, IotUi *ui)
{
  int cols = ui_body_cols (ui);
  if (k->finishing)
    {
      ui_text_wrapped (ui, 1, 1, cols - 2, 3, UI_STYLE_NORMAL, _("Making your receipt…"));
      return;
    }
  if (k->receipt_problem)
    {
      int row = 1;
      row += ui_text_wrapped (ui, row, 1, cols - 2, 3, UI_STYLE_ERROR,
                              _("Your receipt could not be made. Please ask a member of staff "
                                "for help."));
      row += 1 + ui_text_wrapped (ui, row + 1, 1, cols - 2, 4, UI_STYLE_NORMAL, k->receipt_problem);
      ui_text_wrapped (ui, row + 1, 1, cols - 2, 2, UI_STYLE_DIM,
                       _("Press any key to return to the welcome."));
      return;
    }
  if (k->menu_open)
    {
      const char *items[] = {
        _("1  Assess a device on the demo network"),
        _("2  End staff mode and return to the welcome"),
        _("3  Leave the kiosk"),
      };
      ui_text (ui, 0, 1, cols - 2, UI_STYLE_HEADER, _("Staff menu"));
      for (guint i = 0; i < G_N_ELEMENTS (items); i++)
        ui_text (ui, 2 + (int) i, 2, cols - 3, UI_STYLE_NORMAL, items[i]);
      if (k->last_receipt_problem)
        {
          /* Translators: %s says why, e.g. "The receipt command failed." */
          g_autofree char *msg =
            g_strdup_printf (_("The last receipt could not be made: %s"), k->last_receipt_problem);
          ui_text_wrapped (ui, 3 + (int) G_N_ELEMENTS (items), 1, cols - 2, 4, UI_STYLE_WARN, msg);
        }
      return;
    }
  int row = ui_text_wrapped (ui, 0, 1, cols - 2, 3, UI_STYLE_NORMAL,
                             _("Staff only: type the staff PIN and press Enter. Esc goes back."));
  /* Masked: one star per character, nothing else about the PIN. */
  g_autofree char *stars = g_strnfill (iot_secret_len (k->pin), '*');
  g_autofree char *line = g_strdup_printf ("%s %s", _("PIN:"), stars);
  ui_text (ui, row + 1, 1, cols - 2, UI_STYLE_NORMAL, line);
  if (k->pin_message)
    ui_text_wrapped (ui, row + 3, 1, cols - 2, 3, UI_STYLE_WARN, k->pin_message);
}

/* An action from the key map, after the application handled Help and
 * Redraw: Staff and Finish are the kiosk's; the rest goes to the wizard. */
void
ui_kiosk_action (UiKiosk *k, IotAction action)
{
  IotWizard *w = wizard (k);
  switch (action)
    {
    case IOT_ACTION_STAFF:
      if (k->staff)
        k->menu_open = TRUE;
      else
        {
          k->pin_open = TRUE;
          g_clear_pointer (&k->pin_message, g_free);
        }
      break;
    case IOT_ACTION_FINISH:
      if (!k->staff)
        kiosk_finish (k);
      break;
    case IOT_ACTION_OPEN:
      /* Staff open a device to assess it, not to set it up. */
      if (k->staff && g_strcmp0 (iot_wizard_get_step (w)->id, "devices") == 0)
        iot_wizard_set_next (w, "staff-assess");
      iot_wizard_action (w, action);
      break;
    default:
      iot_wizard_action (w, action);
    }
  after_action (k);
}

static void
pin_verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  UiKiosk *k = data;
  /* The prompt takes no keys while this runs, so the secret stays put. */
  g_task_return_boolean (task, iot_kiosk_pin_verify (k->session->config->kiosk_pin_hash,
                                                     iot_secret_get (k->pin)));
}

static void
pin_verified_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the session ended meanwhile */
  UiKiosk *k = data;
  k->finishing = FALSE;
  iot_secret_clear (k->pin);
  iot_kiosk_pin_guard_record (&k->guard, ok, g_get_monotonic_time ());
  g_clear_pointer (&k->pin_message, g_free);
  if (ok)
    {
      k->pin_open = FALSE;
      k->staff = k->menu_open = TRUE;
    }
  else
    k->pin_message = g_strdup (_("Wrong PIN."));
  after_action (k);
}

static void
pin_enter (UiKiosk *k)
{
  gint64 wait = iot_kiosk_pin_guard_wait (&k->guard, g_get_monotonic_time ());
  g_clear_pointer (&k->pin_message, g_free);
  if (wait > 0)
    {
      int secs = (int) ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      k->pin_message =
        g_strdup_printf (ngettext ("Too many wrong PINs. Try again in %d second.",
                                   "Too many wrong PINs. Try again in %d seconds.", secs),
                         secs);
      iot_secret_clear (k->pin);
      return;
    }
  /* yescrypt takes tens of milliseconds on purpose: off the main loop. It
   * reuses "finishing" to take no keys meanwhile. */
  k->finishing = TRUE;
  g_autoptr (GTask) task = g_task_new (NULL, k->cancel, pin_verified_cb, k);
  g_task_set_task_data (task, k, NULL);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, pin_verify_thread);
}

/* Keys for the PIN prompt and the staff menu, seen before the key map.
 * Returns: FALSE for an ordinary key. */
gboolean
ui_kiosk_key (UiKiosk *k, int r, wint_t ch)
{
  if (iot_kiosk_is_armed (k->kiosk))
    iot_kiosk_activity (k->kiosk);
  gboolean fn = r == KEY_CODE_YES;
  if (k->finishing)
    return TRUE;
  if (k->receipt_problem)
    {
      kiosk_reset (k);
      return TRUE;
    }
  if (k->pin_open)
    {
      if ((!fn && (ch == '\n' || ch == '\r')) || (fn && ch == KEY_ENTER))
        pin_enter (k);
      else if (!fn && ch == 27)
        {
          k->pin_open = FALSE;
          iot_secret_clear (k->pin);
        }
      else if ((fn && ch == KEY_BACKSPACE) || (!fn && (ch == 127 || ch == 8)))
        iot_secret_backspace (k->pin);
      else if (!fn && ch > 0x20 && ch < 0x7f && iot_secret_len (k->pin) < IOT_KIOSK_PIN_MAX)
        {
          char c = (char) ch;
          iot_secret_append (k->pin, &c, 1);
        }
      after_action (k);
      return TRUE;
    }
  if (k->menu_open)
    {
      if (!fn && ch == '1')
        {
          k->menu_open = FALSE;
          /* From wherever the wizard is, on to the device list. */
          iot_wizard_set_next (wizard (k), "devices");
          iot_wizard_continue (wizard (k), IOT_STEP_NEXT);
        }
      else if (!fn && ch == '2')
        {
          kiosk_reset (k);
          return TRUE;
        }
      else if (!fn && ch == '3')
        {
          k->host->quit (k->host_data);
          return TRUE;
        }
      else if (!fn && ch == 27)
        k->menu_open = FALSE;
      after_action (k);
      return TRUE;
    }
  return FALSE;
}

/* --- Finish: the receipt ------------------------------------------------------ */

typedef struct
{
  UiKiosk *kiosk;
  char **ids;
  guint next;
  IotReceipt *receipt;
  IotGuidelines *guidelines;
  IotProfileMatch *match;
  IotCheckRunner *runner;
  GDateTime *now;
  GCancellable *cancel;
} Finish;

static void
finish_free (Finish *f)
{
  g_strfreev (f->ids);
  g_clear_pointer (&f->receipt, iot_receipt_free);
  g_clear_pointer (&f->guidelines, iot_guidelines_free);
  g_clear_pointer (&f->match, iot_profile_match_free);
  g_clear_pointer (&f->runner, iot_check_runner_free);
  g_date_time_unref (f->now);
  g_object_unref (f->cancel);
  g_free (f);
}

/* The session's receipt could not be made: the customer is told (and asked
 * to get staff), staff see it in their menu, the journal gets it. */
static void
receipt_failed (UiKiosk *k, const char *why)
{
  g_warning ("Receipt: %s", why);
  g_autofree char *sane = g_strdup (why);
  g_strdelimit (sane, "\n\r\t", ' ');
  if (k->receipt_problem)
    {
      char *both = g_strdup_printf ("%s %s", k->receipt_problem, sane);
      g_free (k->receipt_problem);
      k->receipt_problem = both;
    }
  else
    k->receipt_problem = g_steal_pointer (&sane);
  g_free (k->last_receipt_problem);
  k->last_receipt_problem = g_strdup (k->receipt_problem);
}

/* The receipt is made; the session ends now, or once the customer has
 * read why the receipt could not be made. */
static void
finish_end (UiKiosk *k)
{
  if (k->receipt_problem == NULL)
    {
      kiosk_reset (k);
      return;
    }
  k->finishing = FALSE;
  redraw (k);
}

static void
receipt_sent_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (iot_receipt_send_finish (res, &error))
    {
      finish_end (data);
      return;
    }
  /* Cancelled: the session ended otherwise (idle, SIGTERM); the kiosk may
   * be gone. The command itself is left to finish its printing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  receipt_failed (data, error->message);
  finish_end (data);
}

/* All devices done: the receipt goes to the spool and the command; the
 * session ends when the command is through (or has failed, or timed out). */
static void
finish_done (Finish *f)
{
  UiKiosk *k = f->kiosk;
  const IotConfig *c = k->session->config;
  g_autofree char *url =
    iot_kiosk_dup_guidance_url (c->kiosk_guidance_url, iot_language_get_current ()->code);
  g_autofree char *text = iot_receipt_to_text (f->receipt, url);
  g_autoptr (GError) error = NULL;
  if (*c->kiosk_receipt_dir && !iot_spool_write (c->kiosk_receipt_dir, "receipt", text, NULL, &error))
    receipt_failed (k, error->message);
  finish_free (f);
  if (c->kiosk_receipt_command[0])
    iot_receipt_send_async (text, (const char *const *) c->kiosk_receipt_command,
                            (guint) (c->kiosk_receipt_timeout * 1000), k->cancel, receipt_sent_cb, k);
  else
    finish_end (k);
}

static void finish_next (Finish *f);

static void
finish_ran_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Finish *f = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = iot_check_runner_run_finish (NULL, res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_free (f); /* the session ended otherwise (idle, SIGTERM) */
      return;
    }
  IotDevice *dev = iot_registry_get_device (f->kiosk->session->registry, f->ids[f->next - 1]);
  if (ok && dev)
    {
      g_autoptr (IotReport) report =
        iot_report_new (dev, f->match->profile, f->guidelines, f->runner, f->now);
      iot_receipt_add_device (f->receipt, dev, f->match->profile, f->guidelines, report);
    }
  g_clear_pointer (&f->match, iot_profile_match_free);
  g_clear_pointer (&f->runner, iot_check_runner_free);
  finish_next (f);
}

static void
finish_next (Finish *f)
{
  IotSession *s = f->kiosk->session;
  while (f->ids[f->next])
    {
      IotDevice *dev = iot_registry_get_device (s->registry, f->ids[f->next++]);
      if (dev == NULL || s->profiles == NULL)
        continue;
      f->match = iot_profile_match_device (s->profiles, dev);
      IotCheckContext ctx = {
        .device = dev, .profile = f->match->profile, .guidelines = f->guidelines, .now = f->now
      };
      guint n;
      const IotCheck *const *checks = iot_checks_all (&n);
      f->runner = iot_check_runner_new (checks, n, &ctx);
      iot_check_runner_run_async (f->runner, f->cancel, finish_ran_cb, f);
      return;
    }
  finish_done (f);
}

static void
kiosk_finish (UiKiosk *k)
{
  Finish *f = g_new0 (Finish, 1);
  f->kiosk = k;
  f->ids = iot_kiosk_dup_devices (k->kiosk);
  f->now = g_date_time_new_now_local ();
  f->cancel = g_object_ref (k->cancel);
  f->receipt = iot_receipt_new (k->session->config->kiosk_shop_name, f->now);
  g_autofree char *path = iot_guidelines_default_path ();
  g_autoptr (GError) error = NULL;
  f->guidelines = iot_guidelines_load (path, &error);
  if (f->guidelines == NULL)
    {
      g_warning ("Receipt: %s", error->message);
      finish_free (f);
      kiosk_reset (k);
      return;
    }
  k->finishing = TRUE;
  redraw (k);
  finish_next (f);
}
