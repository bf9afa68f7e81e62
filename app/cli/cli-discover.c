/* SPDX-License-Identifier: GPL-3.0-or-later
 * The scan that scan, check and set-password begin with: a session whose
 * discovery runs on the command's loop until Avahi has reported everything
 * it knows or the time is up, and the lookup of the device the person
 * named, with the same messages for every command.
 */
#include "config.h"

#include "cli.h"

#include "app/core/iot-sanitize.h"

#include <glib/gi18n.h>

/* A command scans once; later "all for now" events (a service that appears
 * while the checks run) must not stop the command's loop. */
static struct
{
  GMainLoop *loop;
  gboolean scanning;
  gboolean timed_out;
} scan;

static void
complete_cb (IotDiscovery *discovery, gpointer data)
{
  if (scan.scanning)
    g_main_loop_quit (scan.loop);
}

static gboolean
timeout_cb (gpointer data)
{
  scan.timed_out = TRUE;
  g_main_loop_quit (scan.loop);
  return G_SOURCE_REMOVE;
}

/**
 * iot_cli_discover:
 * @config: (transfer full): handed to the session
 * @loop: the command's loop, run until the scan is complete or @timeout
 *   seconds have passed
 *
 * Returns: (transfer full): the session with what was found, or %NULL when
 * discovery cannot run (the reason is printed).
 */
IotSession *
iot_cli_discover (IotConfig *config, GMainLoop *loop, double timeout)
{
  const IotDiscoveryCallbacks callbacks = { .scan_complete = complete_cb };
  IotSession *session = iot_session_new (config, &callbacks, NULL);
  iot_discovery_start (session->discovery);
  IotDiscoveryState state = iot_discovery_get_state (session->discovery);
  if (state == IOT_DISCOVERY_NO_DAEMON || state == IOT_DISCOVERY_FAILED)
    {
      g_printerr ("iotsetup: %s\n", iot_discovery_get_error (session->discovery));
      iot_session_free (session);
      return NULL;
    }
  scan.loop = loop;
  scan.scanning = TRUE;
  scan.timed_out = FALSE;
  guint timer = g_timeout_add ((guint) (timeout * 1000), timeout_cb, NULL);
  g_main_loop_run (loop);
  scan.scanning = FALSE;
  if (!scan.timed_out)
    g_source_remove (timer);
  return session;
}

/* Returns: (transfer none): the device @what names (an instance or host
 * name, or an address), or %NULL, said on standard error. */
IotDevice *
iot_cli_lookup (IotSession *session, const char *what)
{
  IotDevice *device = iot_registry_lookup (session->registry, what);
  if (device == NULL)
    {
      g_autofree char *clean = iot_sanitize_text (what, -1, 0);
      g_printerr (_("iotsetup: no device “%s” was found. Run “iotsetup scan” to list them.\n"),
                  clean);
    }
  return device;
}
