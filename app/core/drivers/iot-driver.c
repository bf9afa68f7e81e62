/* SPDX-License-Identifier: GPL-3.0-or-later
 * The driver registry, the target device and the result types shared by
 * every driver (the operations themselves live in iot-driver-*.c).
 */
#include "config.h"

#include "iot-driver.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (iot-driver-error-quark, iot_driver_error)

static const IotDriver *const drivers[] = { &iot_driver_shelly_gen2, &iot_driver_homebridge_ui };

const IotDriver *
iot_driver_lookup (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (drivers); i++)
    if (strcmp (drivers[i]->name, name) == 0)
      return drivers[i];
  return NULL;
}

IotDriverDevice *
iot_driver_device_new (IotHttp *http, const char *address, guint16 port)
{
  g_return_val_if_fail (http != NULL && address != NULL, NULL);
  IotDriverDevice *dev = g_new0 (IotDriverDevice, 1);
  dev->http = http;
  dev->address = g_strdup (address);
  dev->port = port != 0 ? port : 80;
  dev->request_timeout_ms = IOT_HTTP_DEFAULT_TIMEOUT_MS;
  /* A Shelly takes about a minute to download, flash and restart. */
  dev->reboot_timeout_ms = 180 * 1000;
  dev->poll_interval_ms = 1000;
  return dev;
}

void
iot_driver_device_free (IotDriverDevice *dev)
{
  if (dev == NULL)
    return;
  g_free (dev->address);
  g_free (dev->host);
  g_clear_pointer (&dev->credential, iot_secret_free);
  g_free (dev);
}

void
iot_driver_device_set_credential (IotDriverDevice *dev, const IotSecret *credential)
{
  g_return_if_fail (dev != NULL);
  g_clear_pointer (&dev->credential, iot_secret_free);
  if (credential != NULL)
    dev->credential = iot_secret_copy (credential);
}

IotDriverInfo *
iot_driver_info_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
iot_driver_boolean_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

IotDriverVerify *
iot_driver_verify_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

IotDriverUpdate *
iot_driver_update_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
iot_driver_info_free (IotDriverInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->model);
  g_free (info->app);
  g_free (info->firmware);
  g_free (info->build);
  g_free (info);
}

void
iot_driver_update_free (IotDriverUpdate *update)
{
  if (update == NULL)
    return;
  g_free (update->current);
  g_free (update->available);
  g_free (update);
}

void
iot_driver_verify_free (IotDriverVerify *verify)
{
  g_free (verify);
}

gboolean
iot_driver_verify_passed (const IotDriverVerify *verify)
{
  return verify != NULL && verify->no_password_refused && verify->old_password_refused
         && verify->new_password_accepted;
}

static void
op_free (gpointer data)
{
  IotDriverOp *op = data;
  g_clear_pointer (&op->password, iot_secret_free);
  g_clear_pointer (&op->old, iot_secret_free);
  g_clear_pointer (&op->token, iot_secret_free);
  g_clear_pointer (&op->info, iot_driver_info_free);
  g_clear_pointer (&op->verify, iot_driver_verify_free);
  g_free (op);
}

GTask *
iot_driver_op_new (IotDriverDevice *dev, int kind, const IotSecret *password, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  IotDriverOp *op = g_new0 (IotDriverOp, 1);
  op->dev = dev;
  op->kind = kind;
  if (password != NULL)
    op->password = iot_secret_copy (password);
  g_task_set_task_data (task, op, op_free);
  return task;
}

GTask *
iot_driver_op_new_verify (IotDriverDevice *dev, int kind, const IotSecret *old, const IotSecret *password,
                          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = iot_driver_op_new (dev, kind, password, cancellable, callback, user_data);
  IotDriverOp *op = g_task_get_task_data (task);
  if (old != NULL && !iot_secret_is_empty (old))
    op->old = iot_secret_copy (old);
  op->verify = g_new0 (IotDriverVerify, 1);
  return task;
}

void
iot_driver_op_fail (GTask *task, IotDriverError code, const char *message)
{
  g_task_return_new_error (task, IOT_DRIVER_ERROR, code, "%s", message);
  g_object_unref (task);
}

void
iot_driver_op_return_error (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

void
iot_driver_op_return_verify (GTask *task)
{
  IotDriverOp *op = g_task_get_task_data (task);
  g_task_return_pointer (task, g_steal_pointer (&op->verify), (GDestroyNotify) iot_driver_verify_free);
  g_object_unref (task);
}

gboolean
iot_driver_refuse_redirect (const IotDriverDevice *dev, const IotHttpResponse *resp,
                            GError **error)
{
  if (resp->status < 300 || resp->status >= 400)
    return FALSE;
  gboolean away = resp->location == NULL
                  || iot_http_classify_redirect (NULL, dev->address, resp->location)
                       == IOT_HTTP_REDIRECT_ELSEWHERE;
  g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY,
                       away ? _("The device tried to send the request outside the local "
                                "network; it was not followed")
                            : _("The device redirected the request; it was not followed"));
  return TRUE;
}

void
iot_driver_op_progress (IotDriverOp *op, IotDriverPhase phase)
{
  if (op->dev->progress != NULL)
    op->dev->progress (phase, (g_get_monotonic_time () - op->started) / 1000, op->dev->progress_data);
}

static gboolean
on_poll_timer (gpointer data)
{
  GTask *task = data;
  IotDriverOp *op = g_task_get_task_data (task);
  op->poll (task);
  return G_SOURCE_REMOVE;
}

void
iot_driver_op_poll_later (GTask *task, void (*poll) (GTask *task))
{
  IotDriverOp *op = g_task_get_task_data (task);
  if ((g_get_monotonic_time () - op->started) / 1000 >= op->dev->reboot_timeout_ms)
    {
      iot_driver_op_fail (task, IOT_DRIVER_ERROR_GONE, _("The device did not come back in time"));
      return;
    }
  op->poll = poll;
  GSource *timer = g_timeout_source_new (op->dev->poll_interval_ms);
  g_source_set_callback (timer, on_poll_timer, task, NULL);
  g_source_set_name (timer, "driver restart poll");
  g_source_attach (timer, g_main_context_get_thread_default ());
  g_source_unref (timer);
}
