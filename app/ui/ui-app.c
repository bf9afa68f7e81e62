/* SPDX-License-Identifier: GPL-3.0-or-later
 * TUI main loop wiring. One GLib main loop, never nested: stdin is a
 * g_unix_fd source drained with wget_wch() in nodelay mode; SIGWINCH, SIGINT,
 * SIGTERM and SIGHUP are GLib signal sources; Avahi runs through avahi-glib,
 * libnm on the same loop; every model change only schedules one coalesced
 * idle redraw.
 *
 * Kiosk mode (iotsetup --kiosk) locks the terminal down: raw mode, so
 * Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-S arrive as keys that nothing is bound to;
 * SIGINT, SIGQUIT and the stop signals are ignored, since on a kiosk they
 * can only come from someone trying to get out. SIGTERM (systemd stopping
 * the unit) and SIGHUP (the terminal went away) still end it cleanly, with
 * every secret wiped. Leaving, and the staff assessment, need the staff
 * PIN; a session ends on Finish (with a receipt) or when idle.
 */
#include "config.h"

#include "ui-app.h"

#include "app/core/iot-kiosk.h"
#include "app/core/iot-language.h"
#include "app/core/iot-receipt.h"
#include "app/core/iot-secret.h"
#include "app/core/iot-session.h"
#include "app/core/iot-trace.h"
#include "ui-keys.h"
#include "ui-screen.h"
#include "ui-term.h"

#include <curses.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <unistd.h>

typedef struct
{
  GMainLoop *loop;
  IotSession *session;
  IotWizard *wizard;
  guint redraw_source;
  gboolean show_help;
  gboolean closing; /* the wizard is gone: nothing is drawn any more */
  guint away_check, away_deadline;
  gboolean traced_first, traced_complete;
  const IotStepClass *const *steps;
  /* kiosk mode; kiosk is NULL outside it */
  IotKiosk *kiosk;
  gboolean staff;        /* the staff PIN was given */
  gboolean pin_open;     /* the PIN prompt is on screen */
  gboolean menu_open;    /* the staff menu is on screen */
  gboolean finishing;    /* the receipt is being made */
  IotSecret *pin;
  char *pin_message;
  IotKioskPinGuard guard;
  GCancellable *kiosk_cancel; /* the PIN check and the receipt of this session */
} App;

static void kiosk_draw (App *app, IotUi *ui);
static gboolean kiosk_key (App *app, int r, wint_t ch);
static void kiosk_after_action (App *app);
static void kiosk_finish (App *app);

/* Benchmarks time these: a device on screen, and every device resolved. */
static void
trace_milestones (App *app, guint n_devices)
{
  if (n_devices > 0 && !app->traced_first)
    {
      iot_trace ("first-device", "%u", n_devices);
      app->traced_first = TRUE;
    }
  if (iot_discovery_is_complete (app->session->discovery) && !app->traced_complete)
    {
      iot_trace ("all-resolved", "%u", n_devices);
      app->traced_complete = TRUE;
    }
}

static gboolean
redraw_cb (gpointer data)
{
  App *app = data;
  app->redraw_source = 0;
  const IotStepClass *step = iot_wizard_get_step (app->wizard);
  if (step == NULL)
    return G_SOURCE_REMOVE;

  if (ui_screen_too_small ())
    {
      erase ();
      mvaddnstr (0, 0, _("Terminal too small"), COLS);
      refresh ();
      return G_SOURCE_REMOVE;
    }
  IotUi *ui = ui_screen_begin (_(step->title));
  IotDiscovery *disc = app->session->discovery;
  guint n = iot_registry_get_n_devices (app->session->registry);
  g_autofree char *info = NULL;
  switch (iot_discovery_get_state (disc))
    {
    case IOT_DISCOVERY_RUNNING:
      info = iot_discovery_is_complete (disc)
                 ? g_strdup_printf (ngettext ("%u device", "%u devices", n), n)
                 : g_strdup (_("Searching…"));
      break;
    case IOT_DISCOVERY_CONNECTING:
      info = g_strdup (_("Connecting…"));
      break;
    case IOT_DISCOVERY_NO_DAEMON:
    case IOT_DISCOVERY_FAILED:
      info = g_strdup (_("Discovery off"));
      break;
    }
  ui_set_title_info (ui, info);
  /* The network line: where this computer is, and whether that network is
   * itself a problem (it keeps working without NetworkManager). */
  IotNetwork *net = app->session->network;
  g_autofree char *net_line = iot_network_dup_summary (net);
  ui_set_title_network (ui, iot_network_has_finding (net) ? UI_STYLE_TITLE_WARN : UI_STYLE_TITLE,
                        net_line);
  /* A discovery problem shows in the status line unless the step has
   * something to say there (the device list shows it in full instead). */
  if (iot_discovery_get_error (disc) != NULL)
    ui_set_status (ui, UI_STYLE_WARN, iot_discovery_get_error (disc));
  static const IotAction kiosk_bar[] = {
    IOT_ACTION_HELP,   IOT_ACTION_OPEN,  IOT_ACTION_BACK, IOT_ACTION_LANGUAGE,
    IOT_ACTION_FINISH, IOT_ACTION_STAFF, IOT_ACTION_NONE,
  };
  static const IotAction no_bar[] = { IOT_ACTION_NONE };
  const IotAction *bar = iot_wizard_get_bar (app->wizard);
  if (app->kiosk && (app->pin_open || app->menu_open || app->finishing))
    {
      kiosk_draw (app, ui);
      bar = no_bar;
    }
  else
    {
      step->draw (app->wizard, iot_wizard_get_step_data (app->wizard), ui);
      if (app->kiosk && !app->staff)
        bar = kiosk_bar;
    }
  int left = app->kiosk ? iot_kiosk_get_countdown (app->kiosk) : -1;
  if (left >= 0)
    {
      g_autofree char *msg = g_strdup_printf (
        ngettext ("This session ends in %d second. Press any key to continue.",
                  "This session ends in %d seconds. Press any key to continue.", left),
        left);
      ui_set_status (ui, UI_STYLE_WARN, msg);
    }
  ui_screen_end (ui, bar, app->show_help);
  trace_milestones (app, n);
  return G_SOURCE_REMOVE;
}

static void
schedule_redraw (App *app)
{
  if (app->redraw_source == 0 && !app->closing)
    app->redraw_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, redraw_cb, app, NULL);
}

static void
wizard_changed_cb (IotWizard *wizard, gpointer data)
{
  App *app = data;
  if (iot_wizard_is_finished (wizard))
    g_main_loop_quit (app->loop);
  else
    schedule_redraw (app);
}

static void
registry_cb (IotRegistry *registry, IotRegistryEvent event, IotDevice *device, gpointer data)
{
  schedule_redraw (data);
}

static void
discovery_state_cb (IotDiscovery *discovery, IotDiscoveryState state, gpointer data)
{
  schedule_redraw (data);
}

static void
discovery_complete_cb (IotDiscovery *discovery, gpointer data)
{
  schedule_redraw (data);
}

static void
network_changed_cb (IotNetwork *network, gpointer data)
{
  schedule_redraw (data);
}

static void
dispatch (App *app, IotAction action)
{
  if (app->show_help)
    {
      app->show_help = FALSE; /* any key closes the help */
      schedule_redraw (app);
      return;
    }
  switch (action)
    {
    case IOT_ACTION_NONE:
      return;
    case IOT_ACTION_HELP:
      app->show_help = TRUE;
      schedule_redraw (app);
      return;
    case IOT_ACTION_REDRAW:
      clearok (curscr, TRUE);
      schedule_redraw (app);
      return;
    default:
      break;
    }
  if (app->kiosk == NULL)
    {
      iot_wizard_action (app->wizard, action);
      return;
    }
  switch (action)
    {
    case IOT_ACTION_STAFF:
      if (app->staff)
        app->menu_open = TRUE;
      else
        {
          app->pin_open = TRUE;
          g_clear_pointer (&app->pin_message, g_free);
        }
      break;
    case IOT_ACTION_FINISH:
      if (!app->staff)
        kiosk_finish (app);
      break;
    case IOT_ACTION_OPEN:
      /* Staff open a device to assess it, not to set it up. */
      if (app->staff && g_strcmp0 (iot_wizard_get_step (app->wizard)->id, "devices") == 0)
        iot_wizard_set_next (app->wizard, "staff-assess");
      iot_wizard_action (app->wizard, action);
      break;
    default:
      iot_wizard_action (app->wizard, action);
    }
  kiosk_after_action (app);
}

/* The character a key types, IOT_TEXT_BACKSPACE, or 0 for a key that
 * types nothing (Enter, Esc, Tab, arrows and function keys stay actions). */
static gunichar
typed_char (int r, wint_t ch)
{
  if (r == KEY_CODE_YES)
    return ch == KEY_BACKSPACE ? IOT_TEXT_BACKSPACE : 0;
  if (ch == 127 || ch == 8)
    return IOT_TEXT_BACKSPACE;
  if (ch >= 0x20 && g_unichar_validate ((gunichar) ch) && !g_unichar_iscntrl ((gunichar) ch))
    return (gunichar) ch;
  return 0;
}

static gboolean
stdin_cb (int fd, GIOCondition cond, gpointer data)
{
  App *app = data;
  if (cond & (G_IO_HUP | G_IO_ERR))
    {
      g_main_loop_quit (app->loop);
      return G_SOURCE_REMOVE;
    }
  wint_t ch;
  int r;
  while ((r = wget_wch (stdscr, &ch)) != ERR)
    {
      if (r == KEY_CODE_YES && ch == KEY_RESIZE)
        {
          schedule_redraw (app);
          continue;
        }
      if (app->kiosk && kiosk_key (app, r, ch))
        continue;
      /* A step taking text gets the characters; only the keys it leaves
       * are actions. */
      gunichar c = app->show_help ? 0 : typed_char (r, ch);
      if (c == 0 || !iot_wizard_text (app->wizard, c))
        {
          dispatch (app, ui_keys_lookup ((int) ch, r == KEY_CODE_YES, iot_wizard_get_bar (app->wizard)));
        }
      if (iot_wizard_is_finished (app->wizard))
        break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
winch_cb (gpointer data)
{
  ui_term_resize ();
  schedule_redraw (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_signal_cb (gpointer data)
{
  App *app = data;
  /* Secrets go first: whatever happens while leaving, none is left. */
  iot_secret_wipe_all ();
  g_main_loop_quit (app->loop);
  return G_SOURCE_CONTINUE;
}

/* The longest wait for the way back from a device's hotspot at exit: the
 * core bounds each step itself, this only keeps a bug from hanging the exit. */
#define RETURN_DEADLINE_S 20

static gboolean
away_check_cb (gpointer data)
{
  App *app = data;
  if (iot_network_is_away (app->session->network))
    return G_SOURCE_CONTINUE;
  app->away_check = 0;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
away_deadline_cb (gpointer data)
{
  App *app = data;
  app->away_deadline = 0;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

/* Never exit while on a device's hotspot: leaving the join step (Quit, or a
 * signal) started the way back; it finishes on the same loop, run again. */
static void
wait_for_return (App *app)
{
  if (!iot_network_is_away (app->session->network))
    return;
  erase ();
  mvaddnstr (0, 0, _("Going back to the previous network…"), COLS);
  refresh ();
  app->away_check = g_timeout_add (50, away_check_cb, app);
  app->away_deadline = g_timeout_add_seconds (RETURN_DEADLINE_S, away_deadline_cb, app);
  g_main_loop_run (app->loop);
  g_clear_handle_id (&app->away_check, g_source_remove);
  g_clear_handle_id (&app->away_deadline, g_source_remove);
}

/* --- kiosk mode ------------------------------------------------------------- */

/* The timer runs while anyone uses the kiosk: everywhere but the welcome. */
static void
kiosk_after_action (App *app)
{
  const IotStepClass *step = iot_wizard_get_step (app->wizard);
  gboolean welcome = step == app->steps[0] && iot_wizard_get_depth (app->wizard) == 0;
  iot_kiosk_set_armed (app->kiosk, !welcome || app->staff || app->pin_open || app->menu_open);
  IotSession *s = app->session;
  if (!app->staff && s->selected_id)
    iot_kiosk_note_device (app->kiosk, s->selected_id);
  schedule_redraw (app);
}

/* Ends the session: nothing of it stays in memory or on the screen. */
static void
kiosk_reset (App *app)
{
  g_cancellable_cancel (app->kiosk_cancel);
  g_clear_object (&app->kiosk_cancel);
  app->kiosk_cancel = g_cancellable_new ();
  app->staff = app->pin_open = app->menu_open = app->finishing = app->show_help = FALSE;
  g_clear_pointer (&app->pin_message, g_free);
  iot_kiosk_end_session (app->kiosk); /* wipes app->pin with every other secret */
  iot_session_select (app->session, NULL);
  /* The customer's answers on guideline cards, and the badges, go too. */
  g_hash_table_remove_all (app->session->check_notes);
  g_clear_pointer (&app->session->observed, g_hash_table_unref);
  iot_session_clear_setup (app->session);
  /* A fresh wizard: no step keeps what the last customer saw. */
  iot_wizard_free (app->wizard);
  app->wizard = iot_wizard_new (app->steps, app->session);
  iot_wizard_set_changed_func (app->wizard, wizard_changed_cb, app);
  iot_wizard_start (app->wizard);
  erase ();
  clearok (curscr, TRUE);
  schedule_redraw (app);
}

static void
kiosk_countdown_cb (IotKiosk *kiosk, guint left, gpointer data)
{
  schedule_redraw (data);
}

static void
kiosk_expired_cb (IotKiosk *kiosk, gpointer data)
{
  kiosk_reset (data);
}

static void
kiosk_start (App *app)
{
  ui_term_lock_down ();
  ui_keys_set_kiosk (TRUE);
  const IotKioskCallbacks cb = { .countdown = kiosk_countdown_cb, .expired = kiosk_expired_cb };
  app->kiosk = iot_kiosk_new (app->session->config, &cb, app);
  app->pin = iot_secret_new ();
  app->kiosk_cancel = g_cancellable_new ();
  /* Every session starts in the shop's language. */
  g_autoptr (GError) error = NULL;
  if (!iot_language_apply (iot_kiosk_get_default_language (app->kiosk), &error))
    g_debug ("Kiosk language: %s", error->message);
}

static void
kiosk_stop (App *app)
{
  g_cancellable_cancel (app->kiosk_cancel);
  g_clear_object (&app->kiosk_cancel);
  iot_secret_wipe_all ();
  g_clear_pointer (&app->pin, iot_secret_free);
  g_clear_pointer (&app->pin_message, g_free);
  g_clear_pointer (&app->kiosk, iot_kiosk_free);
  ui_keys_set_kiosk (FALSE);
}

static void
kiosk_draw (App *app, IotUi *ui)
{
  int cols = ui_body_cols (ui);
  if (app->finishing)
    {
      ui_text_wrapped (ui, 1, 1, cols - 2, 3, UI_STYLE_NORMAL, _("Making your receipt…"));
      return;
    }
  if (app->menu_open)
    {
      const char *items[] = {
        _("1  Assess a device on the demo network"),
        _("2  End staff mode and return to the welcome"),
        _("3  Leave the kiosk"),
      };
      ui_text (ui, 0, 1, cols - 2, UI_STYLE_HEADER, _("Staff menu"));
      for (guint i = 0; i < G_N_ELEMENTS (items); i++)
        ui_text (ui, 2 + (int) i, 2, cols - 3, UI_STYLE_NORMAL, items[i]);
      return;
    }
  int row = ui_text_wrapped (ui, 0, 1, cols - 2, 3, UI_STYLE_NORMAL,
                             _("Staff only: type the staff PIN and press Enter. Esc goes back."));
  /* Masked: one star per character, nothing else about the PIN. */
  g_autofree char *stars = g_strnfill (iot_secret_len (app->pin), '*');
  g_autofree char *line = g_strdup_printf ("%s %s", _("PIN:"), stars);
  ui_text (ui, row + 1, 1, cols - 2, UI_STYLE_NORMAL, line);
  if (app->pin_message)
    ui_text_wrapped (ui, row + 3, 1, cols - 2, 3, UI_STYLE_WARN, app->pin_message);
}

static void
pin_verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  App *app = data;
  /* The prompt takes no keys while this runs, so the secret stays put. */
  g_task_return_boolean (task, iot_kiosk_pin_verify (app->session->config->kiosk_pin_hash,
                                                     iot_secret_get (app->pin)));
}

static void
pin_verified_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the session ended meanwhile */
  App *app = data;
  app->finishing = FALSE;
  iot_secret_clear (app->pin);
  iot_kiosk_pin_guard_record (&app->guard, ok, g_get_monotonic_time ());
  g_clear_pointer (&app->pin_message, g_free);
  if (ok)
    {
      app->pin_open = FALSE;
      app->staff = app->menu_open = TRUE;
    }
  else
    app->pin_message = g_strdup (_("Wrong PIN."));
  kiosk_after_action (app);
}

static void
pin_enter (App *app)
{
  gint64 wait = iot_kiosk_pin_guard_wait (&app->guard, g_get_monotonic_time ());
  g_clear_pointer (&app->pin_message, g_free);
  if (wait > 0)
    {
      int secs = (int) ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      app->pin_message = g_strdup_printf (
        ngettext ("Too many wrong PINs. Try again in %d second.",
                  "Too many wrong PINs. Try again in %d seconds.", secs),
        secs);
      iot_secret_clear (app->pin);
      return;
    }
  /* yescrypt takes tens of milliseconds on purpose: off the main loop. It
   * reuses "finishing" to take no keys meanwhile. */
  app->finishing = TRUE;
  g_autoptr (GTask) task = g_task_new (NULL, app->kiosk_cancel, pin_verified_cb, app);
  g_task_set_task_data (task, app, NULL);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, pin_verify_thread);
}

/* Keys for the PIN prompt and the staff menu; FALSE: an ordinary key. */
static gboolean
kiosk_key (App *app, int r, wint_t ch)
{
  if (iot_kiosk_is_armed (app->kiosk))
    iot_kiosk_activity (app->kiosk);
  gboolean fn = r == KEY_CODE_YES;
  if (app->finishing)
    return TRUE;
  if (app->pin_open)
    {
      if ((!fn && (ch == '\n' || ch == '\r')) || (fn && ch == KEY_ENTER))
        pin_enter (app);
      else if (!fn && ch == 27)
        {
          app->pin_open = FALSE;
          iot_secret_clear (app->pin);
        }
      else if ((fn && ch == KEY_BACKSPACE) || (!fn && (ch == 127 || ch == 8)))
        iot_secret_backspace (app->pin);
      else if (!fn && ch > 0x20 && ch < 0x7f && iot_secret_len (app->pin) < IOT_KIOSK_PIN_MAX)
        {
          char c = (char) ch;
          iot_secret_append (app->pin, &c, 1);
        }
      kiosk_after_action (app);
      return TRUE;
    }
  if (app->menu_open)
    {
      if (!fn && ch == '1')
        {
          app->menu_open = FALSE;
          /* From wherever the wizard is, on to the device list. */
          iot_wizard_set_next (app->wizard, "devices");
          iot_wizard_continue (app->wizard, IOT_STEP_NEXT);
        }
      else if (!fn && ch == '2')
        {
          kiosk_reset (app);
          return TRUE;
        }
      else if (!fn && ch == '3')
        {
          g_main_loop_quit (app->loop);
          return TRUE;
        }
      else if (!fn && ch == 27)
        app->menu_open = FALSE;
      kiosk_after_action (app);
      return TRUE;
    }
  return FALSE;
}

typedef struct
{
  App *app;
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

static void
receipt_sent_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (!iot_receipt_send_finish (res, &error))
    g_warning ("Receipt command: %s", error->message);
}

/* All devices done: the receipt goes out, and the session ends. */
static void
finish_done (Finish *f)
{
  App *app = f->app;
  const IotConfig *c = app->session->config;
  g_autofree char *url =
    iot_kiosk_dup_guidance_url (c->kiosk_guidance_url, iot_language_get_current ()->code);
  g_autofree char *text = iot_receipt_to_text (f->receipt, url);
  g_autoptr (GError) error = NULL;
  if (*c->kiosk_receipt_dir && !iot_spool_write (c->kiosk_receipt_dir, "receipt", text, NULL, &error))
    g_warning ("Receipt: %s", error->message);
  /* The command outlives the session (it is printing); it has its own timeout. */
  if (c->kiosk_receipt_command[0])
    iot_receipt_send_async (text, (const char *const *) c->kiosk_receipt_command, 60000, NULL,
                            receipt_sent_cb, NULL);
  finish_free (f);
  kiosk_reset (app);
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
  IotDevice *dev = iot_registry_get_device (f->app->session->registry, f->ids[f->next - 1]);
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
  IotSession *s = f->app->session;
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
kiosk_finish (App *app)
{
  Finish *f = g_new0 (Finish, 1);
  f->app = app;
  f->ids = iot_kiosk_dup_devices (app->kiosk);
  f->now = g_date_time_new_now_local ();
  f->cancel = g_object_ref (app->kiosk_cancel);
  f->receipt = iot_receipt_new (app->session->config->kiosk_shop_name, f->now);
  g_autofree char *path = iot_guidelines_default_path ();
  g_autoptr (GError) error = NULL;
  f->guidelines = iot_guidelines_load (path, &error);
  if (f->guidelines == NULL)
    {
      g_warning ("Receipt: %s", error->message);
      finish_free (f);
      kiosk_reset (app);
      return;
    }
  app->finishing = TRUE;
  schedule_redraw (app);
  finish_next (f);
}

/**
 * ui_app_run:
 * @config: (transfer full)
 *
 * Returns: the process exit code: 0, or 2 when there is no usable terminal.
 */
int
ui_app_run (IotConfig *config, const IotStepClass *const *steps)
{
  App app = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean color = config->ui_color;
  gboolean kiosk = config->kiosk;

  /* Before curses starts, so that ncurses keeps its hands off SIGWINCH (and,
   * in kiosk mode, off the ignored signals). */
  if (kiosk)
    {
      (void) signal (SIGINT, SIG_IGN);
      (void) signal (SIGQUIT, SIG_IGN);
      (void) signal (SIGTSTP, SIG_IGN);
      (void) signal (SIGTTIN, SIG_IGN);
      (void) signal (SIGTTOU, SIG_IGN);
    }
  guint sources[] = {
    g_unix_signal_add (SIGWINCH, winch_cb, &app),
    g_unix_signal_add (SIGTERM, quit_signal_cb, &app),
    g_unix_signal_add (SIGHUP, quit_signal_cb, &app),
    kiosk ? 0 : g_unix_signal_add (SIGINT, quit_signal_cb, &app),
  };
  if (!ui_term_init (color, &error))
    {
      for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
        g_clear_handle_id (&sources[i], g_source_remove);
      iot_config_free (config);
      g_printerr ("iotsetup: %s\n", error->message);
      return 2;
    }

  app.loop = g_main_loop_new (NULL, FALSE);
  const IotDiscoveryCallbacks callbacks = {
    .state_changed = discovery_state_cb,
    .scan_complete = discovery_complete_cb,
  };
  app.session = iot_session_new (config, &callbacks, &app);
  guint listener = iot_registry_add_listener (app.session->registry, registry_cb, &app);
  const IotNetworkListener net_funcs = { .changed = network_changed_cb };
  guint net_listener = iot_network_add_listener (app.session->network, &net_funcs, &app);
  app.steps = steps;
  app.wizard = iot_wizard_new (steps, app.session);
  iot_wizard_set_changed_func (app.wizard, wizard_changed_cb, &app);
  if (kiosk)
    kiosk_start (&app);
  guint stdin_source = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &app);

  iot_wizard_start (app.wizard);
  iot_discovery_start (app.session->discovery);
  iot_network_start (app.session->network);
  g_main_loop_run (app.loop);

  /* Tear down in reverse order; the terminal comes back before any output. */
  g_source_remove (stdin_source);
  g_clear_handle_id (&app.redraw_source, g_source_remove);
  app.closing = TRUE;
  iot_wizard_free (app.wizard);
  iot_secret_wipe_all ();
  if (kiosk)
    kiosk_stop (&app);
  iot_registry_remove_listener (app.session->registry, listener);
  iot_network_remove_listener (app.session->network, net_listener);
  wait_for_return (&app);
  iot_session_free (app.session);
  iot_secret_wipe_all ();
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_clear_handle_id (&sources[i], g_source_remove);
  ui_term_done ();
  g_main_loop_unref (app.loop);
  return 0;
}
