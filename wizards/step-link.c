/* SPDX-License-Identifier: GPL-3.0-or-later
 * The driver connection of the update and personal-data steps. It
 * outlives the step while an operation is under way: the driver still uses
 * it until its cancelled operation returns, and that last callback frees it.
 */
#include "config.h"

#include "steps.h"

/* A connection to @target through @driver (its own port when it has one:
 * Homebridge announces HAP, its web page listens elsewhere), with the
 * session's credential and restart limit; @step is handed back by
 * iot_step_link_done() while it lives. */
IotStepLink *
iot_step_link_new (gpointer step, IotSession *session, const IotSetupTarget *target, const IotDriver *driver)
{
  IotStepLink *l = g_new0 (IotStepLink, 1);
  l->step = step;
  l->http = iot_http_new ();
  l->dev = iot_driver_device_new (l->http, target->address, driver->port != 0 ? driver->port : target->port);
  iot_driver_device_set_credential (l->dev, session->credential);
  l->dev->reboot_timeout_ms = (guint) (session->config->restart_timeout * 1000);
  return l;
}

static void
link_free (IotStepLink *l)
{
  iot_driver_device_free (l->dev);
  iot_http_free (l->http);
  g_free (l);
}

/* At the end of an operation: the step, or NULL when it has gone (then
 * @l is freed). */
gpointer
iot_step_link_done (IotStepLink *l)
{
  l->busy = FALSE;
  if (l->step == NULL)
    {
      link_free (l);
      return NULL;
    }
  return l->step;
}

/* When the step goes: freed now, or by the running operation's last
 * callback. */
void
iot_step_link_release (IotStepLink *l)
{
  if (l == NULL)
    return;
  if (l->busy)
    l->step = NULL;
  else
    link_free (l);
}
