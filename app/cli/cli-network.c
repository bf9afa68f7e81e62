/* SPDX-License-Identifier: GPL-3.0-or-later
 * `iotsetup network`: asks NetworkManager which network this machine is on,
 * prints it with any findings about its security and the visible Wi-Fi
 * networks, and exits. Exit 0 when connected, 1 when not, 2 when there is
 * no NetworkManager to ask (the rest of the assistant works without it).
 */
#include "config.h"

#include "cli.h"

#include "app/core/iot-hotspot.h"
#include "app/core/iot-network.h"
#include "app/core/iot-profile.h"
#include "app/core/iot-qr.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "app/core/iot-width.h"

#include <glib/gi18n.h>

/* The core bounds each step (bus, NetworkManager) itself; this only guards
 * against a bug leaving the command hanging. */
#define GUARD_TIMEOUT_S 30

typedef struct
{
  GMainLoop *loop;
  gboolean timed_out;
} Wait;

static void
changed_cb (IotNetwork *network, gpointer data)
{
  if (iot_network_get_state (network) != IOT_NETWORK_STARTING)
    g_main_loop_quit (((Wait *) data)->loop);
}

static gboolean
guard_cb (gpointer data)
{
  Wait *w = data;
  w->timed_out = TRUE;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

static void
print_ap_line (const IotAccessPoint *ap)
{
  const char *band = iot_wifi_band_label (ap->band);
  /* Columns by display width: SSIDs can be in any script. */
  g_autofree char *ssid = iot_width_pad (*ap->ssid ? ap->ssid : _("(hidden network)"), 24);
  g_print ("  %s%s %3u%%  %-8s %s%s\n", ap->active ? "* " : "  ", ssid, ap->strength,
           band ? band : "", iot_wifi_security_label (ap->security),
           ap->tkip_only ? " (TKIP)" : "");
}

static void
print_hotspots (IotHotspots *hotspots)
{
  const GPtrArray *hs = iot_hotspots_get (hotspots);
  if (hs->len == 0)
    return;
  g_print ("\n%s\n", _("Devices waiting for setup:"));
  for (guint i = 0; i < hs->len; i++)
    {
      const IotSetupHotspot *h = hs->pdata[i];
      g_autofree char *ssid = iot_width_pad (h->ssid, 32);
      g_autofree char *family = iot_width_pad (h->profile->family, 26);
      g_print ("    %s %s %3u%%  %s\n", ssid, family, h->strength,
               /* Translators: a setup hotspot anyone may join, without a password. */
               h->open ? _("open, no password") : iot_wifi_security_label (h->security));
    }
  for (guint i = 0; i < hs->len; i++)
    {
      const IotSetupHotspot *h = hs->pdata[i];
      if (h->finding == NULL)
        continue;
      g_print ("\n%s ", _("WARN"));
      /* Translators: %u is a guideline number, %s an ETSI EN 303 645 clause. */
      g_print (_("Guideline %u, “Minimise exposed attack surfaces” (ETSI EN 303 645 %s):"),
               h->finding->guideline, h->finding->etsi);
      g_print ("\n  %s\n  %s\n", h->finding->message, h->finding->advice);
    }
}

static void
print_text (IotNetwork *network, IotHotspots *hotspots)
{
  const IotNetworkInfo *info = iot_network_get_info (network);
  g_autofree char *summary = iot_network_dup_summary (network);
  g_print ("%s: %s\n", _("Network"), summary);
  if (info->connected)
    {
      g_print ("  %s: %s", _("Connection"), info->id);
      if (info->interface)
        g_print (" (%s)", info->interface);
      g_print ("\n");
      if (info->ap)
        {
          const char *band = iot_wifi_band_label (info->ap->band);
          g_print ("  %s: %s%s\n", _("Security"), iot_wifi_security_label (info->ap->security),
                   info->ap->tkip_only ? _(", TKIP encryption only") : "");
          if (band)
            g_print ("  %s: %s (%u MHz)\n", _("Band"), band, info->ap->frequency);
          g_print ("  %s: %u%%\n", _("Signal"), info->ap->strength);
        }
      for (guint i = 0; i < info->ipv4->len; i++)
        g_print ("  IPv4: %s\n", (char *) info->ipv4->pdata[i]);
      for (guint i = 0; i < info->ipv6->len; i++)
        g_print ("  IPv6: %s\n", (char *) info->ipv6->pdata[i]);
    }
  for (guint i = 0; i < info->findings->len; i++)
    {
      const IotFinding *f = info->findings->pdata[i];
      /* Translators: check results, as in the reports; keep them short. */
      g_print ("\n%s ", f->result == IOT_FINDING_FAIL ? _("FAIL") : _("WARN"));
      /* Translators: %u is a guideline number, %s an ETSI EN 303 645 clause. */
      g_print (_("Guideline %u, “Communicate securely” (ETSI EN 303 645 %s):"), f->guideline,
               f->etsi);
      g_print ("\n  %s\n  %s\n", f->message, f->advice);
    }
  g_autoptr (GPtrArray) aps = iot_network_dup_access_points (network);
  if (aps->len > 0)
    {
      g_print ("\n%s\n", _("Visible Wi-Fi networks:"));
      for (guint i = 0; i < aps->len; i++)
        print_ap_line (aps->pdata[i]);
    }
  print_hotspots (hotspots);
}

typedef struct
{
  GMainLoop *loop;
  char *text;
  GError *error;
} QrWait;

static void
wifi_qr_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  QrWait *w = data;
  w->text = iot_network_wifi_qr_finish (NULL, res, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_CONTINUE; /* removed by the caller */
}

/* The code holds the Wi-Fi password: only ever drawn on a terminal, never
 * into a file or a pipe, and wiped once drawn. */
static int
show_wifi_qr (IotConfig *config, IotNetwork *network, gboolean ascii)
{
  if (!isatty (STDOUT_FILENO))
    {
      g_printerr ("iotsetup network: %s\n",
                  _("The Wi-Fi QR code holds the network's password, so it is only shown on "
                    "a terminal, never written to a file or a pipe."));
      return IOT_EXIT_ERROR;
    }
  QrWait w = { g_main_loop_new (NULL, FALSE), NULL, NULL };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  iot_network_wifi_qr_async (network, cancellable, wifi_qr_cb, &w);
  guint guard = g_timeout_add_seconds (GUARD_TIMEOUT_S, cancel_cb, cancellable);
  g_main_loop_run (w.loop);
  g_clear_handle_id (&guard, g_source_remove);
  g_main_loop_unref (w.loop);
  if (w.text == NULL)
    {
      g_printerr ("iotsetup network: %s\n", w.error->message);
      g_error_free (w.error);
      return IOT_EXIT_ERROR;
    }
  const IotNetworkInfo *info = iot_network_get_info (network);
  g_print (_("Scan this code with a phone's camera to join the Wi-Fi network “%s”:"),
           info->ap && *info->ap->ssid ? info->ap->ssid : info->id);
  g_print ("\n");
  int rc = iot_cli_qr_print (config, "iotsetup network", w.text, ascii);
  iot_str_wipe_free (w.text);
  return rc;
}

typedef struct
{
  GMainLoop *loop;
  IotNetwork *network;
  gboolean ok;
  GError *error;
} JoinWait;

static void
joined_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  JoinWait *w = data;
  w->ok = iot_network_join_finish (w->network, res, &w->error);
  g_main_loop_quit (w->loop);
}

static void
left_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  JoinWait *w = data;
  w->ok = iot_network_leave_finish (w->network, res, &w->error);
  g_main_loop_quit (w->loop);
}

static char *
read_password (void)
{
  char buf[128];
  if (fgets (buf, sizeof buf, stdin) == NULL)
    return NULL;
  buf[strcspn (buf, "\r\n")] = '\0';
  char *out = g_strdup (buf);
  explicit_bzero (buf, sizeof buf);
  return out;
}

/* Joins a setup hotspot and comes back: a check that the device's hotspot
 * takes us, and the building block of setting a device up over it. */
static int
join_and_return (IotNetwork *network, const char *name, gboolean password_stdin, guint timeout_s)
{
  g_autoptr (GPtrArray) aps = iot_network_dup_access_points (network);
  const IotAccessPoint *ap = NULL;
  for (guint i = 0; i < aps->len && ap == NULL; i++)
    if (g_strcmp0 (((IotAccessPoint *) aps->pdata[i])->ssid, name) == 0)
      ap = aps->pdata[i];
  if (ap == NULL)
    {
      g_printerr ("iotsetup network: ");
      g_printerr (_("No Wi-Fi network called “%s” is in range."), name);
      g_printerr ("\n");
      return IOT_EXIT_ERROR;
    }
  char *password = password_stdin ? read_password () : NULL;
  JoinWait w = { g_main_loop_new (NULL, FALSE), network, FALSE, NULL };
  iot_network_join_async (network, ap->id, password, timeout_s, NULL, joined_cb, &w);
  g_main_loop_run (w.loop);
  iot_str_wipe_free (password);
  if (!w.ok)
    {
      g_printerr ("iotsetup network: %s %s\n", w.error->message,
                  _("This computer is back on the network it was on before."));
      g_error_free (w.error);
      g_main_loop_unref (w.loop);
      return IOT_EXIT_ERROR;
    }
  g_print (_("Joined the hotspot “%s”."), ap->ssid);
  g_print ("\n");
  iot_network_leave_async (network, left_cb, &w);
  w.ok = FALSE;
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);
  if (!w.ok)
    {
      g_printerr ("iotsetup network: %s\n", w.error->message);
      g_error_free (w.error);
      return IOT_EXIT_ERROR;
    }
  g_print ("%s\n", _("Back on the network this computer was on before."));
  return IOT_EXIT_OK;
}

/**
 * iot_cli_network:
 * @config: (transfer full)
 */
int
iot_cli_network (IotConfig *config, int argc, char **argv)
{
  g_autoptr (IotConfig) cfg = config;
  gboolean json = FALSE, wifi_qr = FALSE, ascii = FALSE, password_stdin = FALSE;
  g_autofree char *join = NULL;
  int join_timeout = 30;
  const GOptionEntry entries[] = {
    { "join", 0, 0, G_OPTION_ARG_STRING, &join,
      N_ ("Join the setup hotspot NAME, then come back to this network"), N_ ("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_ ("With --join: read the hotspot's password from standard input"), NULL },
    { "join-timeout", 0, 0, G_OPTION_ARG_INT, &join_timeout,
      N_ ("With --join: seconds the hotspot gets to accept (default 30)"), N_ ("SECONDS") },
    { "wifi-qr", 0, 0, G_OPTION_ARG_NONE, &wifi_qr,
      N_ ("Show a QR code that joins a phone to this Wi-Fi network (on the terminal only)"),
      NULL },
    { "ascii", 'a', 0, G_OPTION_ARG_NONE, &ascii, N_ ("With --wifi-qr: draw the code in ASCII"),
      NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_ ("Print JSON (schema iotsetup.network/1)"),
      NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_set_prgname ("iotsetup network");
  g_option_context_set_summary (ctx, _("Show the network this computer is on, how it is "
                                       "protected, and the Wi-Fi networks in range."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc > 1 || (json && wifi_qr) ||
      (join && (json || wifi_qr)) || join_timeout < 1 || join_timeout > 600)
    {
      g_printerr ("iotsetup network: %s\n",
                  error ? error->message : _("invalid arguments; see --help"));
      return IOT_EXIT_ERROR;
    }

  Wait wait = { g_main_loop_new (NULL, FALSE), FALSE };
  g_autoptr (IotNetwork) network = iot_network_new ();
  g_autofree char *profiles_dir = iot_profiles_default_dir ();
  g_autoptr (IotProfiles) profiles = iot_profiles_load_dir (profiles_dir, NULL);
  g_autoptr (IotHotspots) hotspots = iot_hotspots_new (network, profiles);
  const IotNetworkListener listener = { .changed = changed_cb };
  guint listener_id = iot_network_add_listener (network, &listener, &wait);
  iot_network_start (network);
  guint guard = g_timeout_add_seconds (GUARD_TIMEOUT_S, guard_cb, &wait);
  g_main_loop_run (wait.loop);
  if (!wait.timed_out)
    g_source_remove (guard);
  g_main_loop_unref (wait.loop);
  iot_network_remove_listener (network, listener_id);

  if (json)
    {
      g_autoptr (JsonNode) root = iot_network_to_json (network);
      json_object_set_member (json_node_get_object (root), "setup_hotspots",
                              iot_hotspots_to_json (hotspots));
      g_autofree char *text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }

  if (iot_network_get_state (network) != IOT_NETWORK_RUNNING)
    {
      const char *why = iot_network_get_error (network);
      g_printerr ("iotsetup: %s %s\n", why ? why : _("NetworkManager did not answer."),
                  _("NetworkManager is not available, so the network this computer is on "
                    "cannot be checked. The rest of the assistant still works: it can find "
                    "and set up devices without it."));
      return IOT_EXIT_ERROR;
    }
  if (wifi_qr)
    return show_wifi_qr (cfg, network, ascii);
  if (join)
    return join_and_return (network, join, password_stdin, (guint) join_timeout);
  if (!json)
    print_text (network, hotspots);
  if (!iot_network_get_info (network)->connected)
    {
      if (!json)
        g_print ("%s\n", _("This computer is not connected to a network."));
      return IOT_EXIT_NONE_FOUND;
    }
  return IOT_EXIT_OK;
}
