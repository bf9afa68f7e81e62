/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: join a device's setup hotspot and come back. It says first that this
 * computer leaves its network for a moment, asks for the hotspot's password
 * when it has one (masked, kept in an IotSecret), joins through
 * NetworkManager (Esc cancels), then shows the device's setup page as a QR
 * code with its address and how long this computer has been away. "Return",
 * Back, Quit and the auto-return timer all go back to the previous network;
 * the core goes back after every failure too, so the machine is never left
 * without its network.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-qr.h"
#include "app/core/iot-secret.h"
#include "app/core/iot-session.h"
#include "app/core/iot-width.h"
#include "app/ui/ui-qr.h"

#include <glib/gi18n.h>

typedef enum
{
  PHASE_INTRO,     /* explanation, and the password field if one is needed */
  PHASE_JOINING,   /* NetworkManager is joining; Esc cancels */
  PHASE_JOINED,    /* on the hotspot: the setup page */
  PHASE_RETURNING, /* going back to the previous network */
  PHASE_DONE,      /* back (or failed and back): the message says which */
} Phase;

typedef struct _StepJoin StepJoin;

/* An async call's link to the step: the step may be left before the answer
 * comes, and then its data is gone (s is NULL). */
typedef struct
{
  StepJoin *s;
  IotNetwork *network;
} Pending;

struct _StepJoin
{
  IotWizard *wizard;
  IotSession *session;
  Phase phase;
  char *ap_id;
  char *ssid; /* sanitized */
  gboolean needs_key;
  const char *setup_url; /* the profile's, or NULL */
  IotSecret *key;
  GCancellable *cancellable; /* the join under way */
  Pending *pending;
  char *url;     /* the setup page while joined */
  char *message; /* the outcome, shown in PHASE_DONE (and in PHASE_INTRO on a slip) */
  UiStyle message_style;
  gint64 joined_at; /* monotonic µs */
  guint tick_source;
  gboolean auto_returned;
};

static Pending *
pending_new (StepJoin *s)
{
  Pending *p = g_new0 (Pending, 1);
  p->s = s;
  p->network = s->session->network;
  s->pending = p;
  return p;
}

/* Takes the pending call's step, if still there, and frees the link. */
static StepJoin *
pending_take (Pending *p)
{
  StepJoin *s = p->s;
  if (s)
    s->pending = NULL;
  g_free (p);
  return s;
}

static void
set_message (StepJoin *s, UiStyle style, char *message)
{
  g_free (s->message);
  s->message = message;
  s->message_style = style;
}

static void
left_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Pending *p = data;
  IotNetwork *network = p->network;
  g_autoptr (GError) error = NULL;
  gboolean ok = iot_network_leave_finish (network, res, &error);
  StepJoin *s = pending_take (p);
  if (s == NULL)
    return;
  g_clear_handle_id (&s->tick_source, g_source_remove);
  s->phase = PHASE_DONE;
  if (!ok)
    set_message (s, UI_STYLE_ERROR, g_strdup (error->message));
  else
    set_message (s, UI_STYLE_NORMAL,
                 g_strdup_printf ("%s%s%s",
                                  s->auto_returned ? _("The time on the device's hotspot is up.")
                                                   : "",
                                  s->auto_returned ? " " : "",
                                  iot_network_return_was_retried (network)
                                      ? _("Back on the network this computer was on before, "
                                          "on the second try.")
                                      : _("Back on the network this computer was on before.")));
  iot_wizard_changed (s->wizard);
}

static void
go_back_home (StepJoin *s)
{
  g_clear_handle_id (&s->tick_source, g_source_remove);
  s->phase = PHASE_RETURNING;
  iot_network_leave_async (s->session->network, left_cb, pending_new (s));
}

static gboolean
tick_cb (gpointer data)
{
  StepJoin *s = data;
  double away = (double) (g_get_monotonic_time () - s->joined_at) / G_USEC_PER_SEC;
  if (away >= s->session->config->auto_return)
    {
      /* A kiosk left alone must not stay on a device's hotspot. */
      s->tick_source = 0;
      s->auto_returned = TRUE;
      go_back_home (s);
      iot_wizard_changed (s->wizard);
      return G_SOURCE_REMOVE;
    }
  iot_wizard_changed (s->wizard);
  return G_SOURCE_CONTINUE;
}

static void
joined_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Pending *p = data;
  IotNetwork *network = p->network;
  g_autoptr (GError) error = NULL;
  gboolean ok = iot_network_join_finish (network, res, &error);
  StepJoin *s = pending_take (p);
  if (s == NULL)
    {
      /* The step was left while joining: never stay on the hotspot. */
      if (ok)
        iot_network_leave_async (network, NULL, NULL);
      return;
    }
  g_clear_object (&s->cancellable);
  if (!ok)
    {
      s->phase = PHASE_DONE;
      /* NOT_CONNECTED: the way back failed too, and the message says what to do. */
      gboolean back = !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
      set_message (s, back ? UI_STYLE_WARN : UI_STYLE_ERROR,
                   g_strdup_printf ("%s%s%s", error->message, back ? " " : "",
                                    back ? _("This computer is back on the network it was on "
                                             "before.")
                                         : ""));
      iot_wizard_changed (s->wizard);
      return;
    }
  s->phase = PHASE_JOINED;
  s->joined_at = g_get_monotonic_time ();
  g_autofree char *gateway = iot_network_dup_join_gateway (network);
  if (s->setup_url && *s->setup_url)
    s->url = g_strdup (s->setup_url);
  else if (gateway)
    s->url = g_strdup_printf ("http://%s/", gateway);
  s->tick_source = g_timeout_add_seconds (1, tick_cb, s);
  iot_wizard_changed (s->wizard);
}

static void
start_join (StepJoin *s)
{
  g_clear_pointer (&s->message, g_free);
  s->phase = PHASE_JOINING;
  s->cancellable = g_cancellable_new ();
  iot_network_join_async (s->session->network, s->ap_id,
                          s->needs_key ? iot_secret_get (s->key) : NULL,
                          (guint) s->session->config->join_timeout, s->cancellable, joined_cb,
                          pending_new (s));
}

static gpointer
join_enter (IotWizard *w)
{
  IotSession *session = iot_wizard_get_context (w);
  StepJoin *s = g_new0 (StepJoin, 1);
  s->wizard = w;
  s->session = session;
  s->key = iot_secret_new ();
  const GPtrArray *hs = iot_hotspots_get (session->hotspots);
  for (guint i = 0; i < hs->len; i++)
    {
      const IotSetupHotspot *h = hs->pdata[i];
      if (g_strcmp0 (h->ap_id, session->hotspot_id) != 0)
        continue;
      s->ap_id = g_strdup (h->ap_id);
      s->ssid = g_strdup (h->ssid);
      s->needs_key = !h->open;
      s->setup_url = h->profile->setup_url;
    }
  if (s->ap_id == NULL)
    {
      s->phase = PHASE_DONE;
      set_message (s, UI_STYLE_WARN, g_strdup (_("The device's hotspot went out of range.")));
    }
  return s;
}

static void
join_leave (IotWizard *w, gpointer data)
{
  StepJoin *s = data;
  IotNetwork *network = s->session->network;
  if (s->pending)
    s->pending->s = NULL; /* its answer still cleans up (see joined_cb) */
  if (s->cancellable)
    g_cancellable_cancel (s->cancellable); /* the core goes back */
  else if (s->phase == PHASE_JOINED)
    /* Back, Quit or a signal while joined: go back first. The TUI waits
     * for it before it exits (iot_network_is_away()). */
    iot_network_leave_async (network, NULL, NULL);
  g_clear_object (&s->cancellable);
  g_clear_handle_id (&s->tick_source, g_source_remove);
  iot_secret_free (s->key);
  g_free (s->ap_id);
  g_free (s->ssid);
  g_free (s->url);
  g_free (s->message);
  g_free (s);
}

static gboolean
join_text (IotWizard *w, gpointer data, gunichar c)
{
  StepJoin *s = data;
  if (s->phase != PHASE_INTRO || !s->needs_key)
    return FALSE;
  if (c == IOT_TEXT_BACKSPACE)
    iot_secret_backspace (s->key);
  else
    iot_secret_append_unichar (s->key, c);
  return TRUE;
}

static IotStepResult
join_action (IotWizard *w, gpointer data, IotAction action)
{
  StepJoin *s = data;
  switch (action)
    {
    case IOT_ACTION_OPEN:
      if (s->phase != PHASE_INTRO)
        return IOT_STEP_STAY;
      if (s->needs_key && iot_secret_is_empty (s->key))
        {
          set_message (s, UI_STYLE_WARN, g_strdup (_("Type the hotspot's password first.")));
          return IOT_STEP_STAY;
        }
      start_join (s);
      return IOT_STEP_STAY;
    case IOT_ACTION_RETURN:
      if (s->phase == PHASE_JOINED)
        {
          go_back_home (s);
          return IOT_STEP_STAY;
        }
      return s->phase == PHASE_INTRO || s->phase == PHASE_DONE ? IOT_STEP_BACK : IOT_STEP_STAY;
    case IOT_ACTION_BACK:
      if (s->phase == PHASE_JOINING)
        {
          /* Cancelled: the core goes back, then the message says so. */
          g_cancellable_cancel (s->cancellable);
          s->phase = PHASE_RETURNING;
          return IOT_STEP_STAY;
        }
      return IOT_STEP_BACK; /* joined: the leave hook goes back */
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

/* "4:05" */
static char *
format_duration (double seconds)
{
  guint s = (guint) MAX (seconds, 0);
  return g_strdup_printf ("%u:%02u", s / 60, s % 60);
}

static void
draw_centred (IotUi *ui, int row, int cols, const char *text, UiStyle style)
{
  int width = iot_width (text);
  ui_text (ui, row, MAX (1, (cols - width) / 2), cols - 2, style, text);
}

static void
draw_joined (StepJoin *s, IotUi *ui, int rows, int cols)
{
  double away = (double) (g_get_monotonic_time () - s->joined_at) / G_USEC_PER_SEC;
  g_autofree char *since = format_duration (away);
  g_autofree char *left = format_duration (s->session->config->auto_return - away);
  g_autofree char *time_text =
      /* Translators: both are durations such as 4:05 (minutes:seconds). */
      g_strdup_printf (_("On the device's hotspot for %s; back to the previous network on its "
                         "own in %s."),
                       since, left);
  g_autofree char *intro =
      g_strdup_printf (_("Joined “%s”. The device's setup page:"), s->ssid);
  draw_centred (ui, 0, cols, intro, UI_STYLE_NORMAL);
  if (s->url == NULL)
    {
      int used = ui_text_wrapped (ui, 2, 2, cols - 4, rows - 3, UI_STYLE_WARN,
                                  _("Its address is not known: open a web browser and try the "
                                    "address on the device's label or in its manual."));
      ui_text_wrapped (ui, 3 + used, 2, cols - 4, rows - 4 - used, UI_STYLE_NORMAL, time_text);
      return;
    }
  int max = ui_qr_max_modules (rows - 4, cols);
  g_autoptr (IotQr) qr = max >= 21 ? iot_qr_new (s->url, max, NULL) : NULL;
  int row = 1;
  if (qr)
    {
      int qr_rows, qr_cols;
      ui_qr_size (qr, &qr_rows, &qr_cols);
      ui_qr (ui, row, (cols - qr_cols) / 2, qr);
      row += qr_rows;
    }
  draw_centred (ui, row, cols, s->url, UI_STYLE_HEADER);
  ui_text_wrapped (ui, row + 1, 2, cols - 4, MAX (rows - row - 1, 1), UI_STYLE_NORMAL, time_text);
}

static void
join_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  StepJoin *s = data;
  int rows = ui_body_rows (ui), cols = ui_body_cols (ui);
  int row = 1;
  switch (s->phase)
    {
    case PHASE_INTRO:
      {
        g_autofree char *left = format_duration (s->session->config->auto_return);
        g_autofree char *text = g_strdup_printf (
            _("To open the setup page of “%s”, this computer leaves its network for a moment "
              "and joins the device's hotspot. It goes back to its network when you are done, "
              "after any failure, and on its own after %s."),
            s->ssid, left);
        row += ui_text_wrapped (ui, row, 2, cols - 4, rows - row, UI_STYLE_NORMAL, text) + 1;
        if (s->needs_key && row < rows)
          {
            row += ui_text_wrapped (ui, row, 2, cols - 4, rows - row, UI_STYLE_NORMAL,
                                    _("The hotspot has a password. Type it (it is not shown):"));
            /* One mark per character typed, never the characters. */
            glong n = g_utf8_strlen (iot_secret_get (s->key), -1);
            GString *mask = g_string_new ("> ");
            for (glong i = 0; i < n && i < cols - 8; i++)
              g_string_append (mask, ui_utf8 (ui) ? "•" : "*");
            ui_text (ui, row, 2, cols - 4, UI_STYLE_HEADER, mask->str);
            g_string_free (mask, TRUE);
            row += 2;
          }
        if (s->message && row < rows)
          ui_text_wrapped (ui, row, 2, cols - 4, rows - row, s->message_style, s->message);
        ui_set_status (ui, UI_STYLE_NORMAL, _("Press Enter to join, Esc to go back."));
        break;
      }
    case PHASE_JOINING:
      {
        g_autofree char *text = g_strdup_printf (_("Joining “%s”… Esc cancels and goes back."),
                                                 s->ssid);
        ui_text_wrapped (ui, row, 2, cols - 4, rows - row, UI_STYLE_NORMAL, text);
        break;
      }
    case PHASE_JOINED:
      draw_joined (s, ui, rows, cols);
      break;
    case PHASE_RETURNING:
      ui_text_wrapped (ui, row, 2, cols - 4, rows - row, UI_STYLE_NORMAL,
                       _("Going back to the previous network…"));
      break;
    case PHASE_DONE:
      ui_text_wrapped (ui, row, 2, cols - 4, rows - row, s->message_style, s->message);
      break;
    }
}

static const IotAction join_bar[] = {
  IOT_ACTION_HELP, IOT_ACTION_RETURN, IOT_ACTION_BACK, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_join = {
  .id = "join",
  .title = N_ ("Device's setup hotspot"),
  .bar = join_bar,
  .enter = join_enter,
  .action = join_action,
  .draw = join_draw,
  .leave = join_leave,
  .text = join_text,
};
