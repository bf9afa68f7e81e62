/* SPDX-License-Identifier: GPL-3.0-or-later
 * TUI main loop wiring. One GLib main loop, never nested: stdin is a
 * g_unix_fd source drained with wget_wch() in nodelay mode; SIGWINCH, SIGINT,
 * SIGTERM and SIGHUP are GLib signal sources; Avahi runs through avahi-glib,
 * libnm on the same loop; every model change only schedules one coalesced
 * idle redraw.
 *
 * In kiosk mode (iotsetup --kiosk, ui-kiosk.c) SIGINT, SIGQUIT and the stop
 * signals are ignored, since on a kiosk they can only come from someone
 * trying to get out. SIGTERM (systemd stopping the unit) and SIGHUP (the
 * terminal went away) still end it cleanly, with every secret wiped.
 */
#include "config.h"

#include "ui-app.h"

#include "app/core/iot-secret.h"
#include "app/core/iot-session.h"
#include "app/core/iot-trace.h"
#include "ui-keys.h"
#include "ui-kiosk.h"
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
  guint stdin_source; /* 0 once the terminal has hung up */
  gboolean show_help;
  gboolean closing; /* the wizard is gone: nothing is drawn any more */
  guint away_check, away_deadline;
  gboolean traced_first, traced_complete;
  const IotStepClass *const *steps;
  UiKiosk *kiosk; /* NULL outside kiosk mode */
} App;

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
  iot_trace ("draw", "%s", step->id);

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
  /* A discovery problem shows in the status line. The device list shows it
   * in full and may say more there; on every other step it wins over the
   * step's hint (drawn below), since a person in the middle of a step must
   * learn that devices cannot be seen now. */
  const char *problem = iot_discovery_get_error (disc);
  gboolean on_list = g_strcmp0 (step->id, "devices") == 0;
  if (problem != NULL)
    ui_set_status (ui, UI_STYLE_WARN, problem);
  const IotAction *bar = iot_wizard_get_bar (app->wizard);
  if (app->kiosk)
    bar = ui_kiosk_bar (app->kiosk, step, bar);
  if (app->kiosk && ui_kiosk_is_drawing (app->kiosk))
    ui_kiosk_draw (app->kiosk, ui);
  else
    {
      step->draw (app->wizard, iot_wizard_get_step_data (app->wizard), ui);
      if (problem != NULL && !on_list)
        ui_set_status (ui, UI_STYLE_WARN, problem);
    }
  if (app->kiosk)
    ui_kiosk_draw_status (app->kiosk, ui);
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
  if (app->kiosk)
    ui_kiosk_action (app->kiosk, action);
  else
    iot_wizard_action (app->wizard, action);
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
      /* The terminal went away (its window was closed): the source is gone
       * with this return, so the teardown must not remove it again. */
      app->stdin_source = 0;
      g_main_loop_quit (app->loop);
      return G_SOURCE_REMOVE;
    }
  wint_t ch;
  int r;
  const IotStepClass *step = iot_wizard_get_step (app->wizard);
  iot_trace ("stdin", "%s", step != NULL ? step->id : "(finished)");
  while ((r = wget_wch (stdscr, &ch)) != ERR)
    {
      if (r == KEY_CODE_YES && ch == KEY_RESIZE)
        {
          schedule_redraw (app);
          continue;
        }
      if (app->kiosk && ui_kiosk_key (app->kiosk, r, ch))
        continue;
      /* A step taking text gets the characters; only the keys it leaves
       * are actions. */
      gunichar c = app->show_help ? 0 : typed_char (r, ch);
      if (c == 0 || !iot_wizard_text (app->wizard, c))
        {
          IotAction action = ui_keys_lookup ((int) ch, r == KEY_CODE_YES, iot_wizard_get_bar (app->wizard));
          /* Which key and what it did, never what was typed: that may be a password. */
          iot_trace ("key", "%s%d action %d", r == KEY_CODE_YES ? "F" : "", c ? -1 : (int) ch, action);
          dispatch (app, action);
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

/* --- what the kiosk (ui-kiosk.c) asks of the application -------------------- */

static void
kiosk_redraw_cb (gpointer data)
{
  schedule_redraw (data);
}

/* A new customer: a fresh wizard, so no step keeps what the last one saw. */
static void
kiosk_restart_cb (gpointer data)
{
  App *app = data;
  app->show_help = FALSE;
  iot_wizard_free (app->wizard);
  app->wizard = iot_wizard_new (app->steps, app->session);
  iot_wizard_set_changed_func (app->wizard, wizard_changed_cb, app);
  iot_wizard_start (app->wizard);
  erase ();
  clearok (curscr, TRUE);
  schedule_redraw (app);
}

static void
kiosk_quit_cb (gpointer data)
{
  App *app = data;
  g_main_loop_quit (app->loop);
}

static IotWizard *
kiosk_wizard_cb (gpointer data)
{
  App *app = data;
  return app->wizard;
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
    iot_trace_watch_loop (),
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
    {
      static const UiKioskHost host = {
        .redraw = kiosk_redraw_cb,
        .restart = kiosk_restart_cb,
        .quit = kiosk_quit_cb,
        .wizard = kiosk_wizard_cb,
      };
      app.kiosk = ui_kiosk_new (app.session, steps, &host, &app);
    }
  app.stdin_source = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &app);

  iot_wizard_start (app.wizard);
  iot_discovery_start (app.session->discovery);
  iot_network_start (app.session->network);
  g_main_loop_run (app.loop);

  /* Tear down in reverse order; the terminal comes back before any output. */
  g_clear_handle_id (&app.stdin_source, g_source_remove);
  g_clear_handle_id (&app.redraw_source, g_source_remove);
  app.closing = TRUE;
  iot_wizard_free (app.wizard);
  iot_secret_wipe_all ();
  g_clear_pointer (&app.kiosk, ui_kiosk_free);
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
