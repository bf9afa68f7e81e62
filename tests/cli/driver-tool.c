/* SPDX-License-Identifier: GPL-3.0-or-later
 * A test program that runs one driver operation against a device and prints
 * the outcome as one JSON line, so lab tests can drive a driver the way the
 * wizard will (one main loop, async, cancellable) without the TUI. Passwords
 * come from files the test owns, never from argv or the environment.
 *
 *   driver-tool [--driver NAME] [--port N] [--password-file F]
 *               [--new-password-file F] [--old-password-file F]
 *               [--reboot-timeout MS] [--poll MS] ADDRESS OPERATION
 *
 * OPERATION: identify | set-password | verify | check-update | update | reset
 * Output: {"op":…,"ok":true,…} or {"op":…,"ok":false,"domain":…,"code":…,
 * "error":…}; progress phases go to stderr. Exit 0 when ok.
 */
#include "config.h"

#include "app/core/drivers/iot-driver.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  GMainLoop *loop;
  const char *op;
  gboolean ok;
  JsonBuilder *out;
} Tool;

static IotSecret *
read_secret (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (path == NULL)
    return NULL;
  if (!g_file_get_contents (path, &text, &len, NULL))
    {
      g_printerr ("driver-tool: cannot read %s\n", path);
      exit (2);
    }
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
    len--;
  IotSecret *s = iot_secret_new_from (text, (gssize) len);
  explicit_bzero (text, len);
  return s;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
finish (Tool *tool, GError *error)
{
  add_bool (tool->out, "ok", error == NULL);
  if (error != NULL)
    {
      add_string (tool->out, "domain", g_quark_to_string (error->domain));
      json_builder_set_member_name (tool->out, "code");
      json_builder_add_int_value (tool->out, error->code);
      add_string (tool->out, "error", error->message);
    }
  tool->ok = error == NULL;
  g_main_loop_quit (tool->loop);
}

static void
add_info (JsonBuilder *b, const IotDriverInfo *info)
{
  add_string (b, "id", info->id);
  add_string (b, "model", info->model);
  add_string (b, "app", info->app);
  add_string (b, "ver", info->firmware);
  add_string (b, "fw_id", info->build);
  add_bool (b, "auth_en", info->auth_enabled);
}

static void
on_info (GObject *source, GAsyncResult *result, gpointer data)
{
  Tool *tool = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverInfo) info = iot_driver_info_finish (result, &error);
  if (info != NULL)
    add_info (tool->out, info);
  finish (tool, error);
}

static void
on_bool (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  iot_driver_boolean_finish (result, &error);
  finish (data, error);
}

static void
on_verify (GObject *source, GAsyncResult *result, gpointer data)
{
  Tool *tool = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverVerify) v = iot_driver_verify_finish (result, &error);
  if (v != NULL)
    {
      add_bool (tool->out, "no_password_refused", v->no_password_refused);
      add_bool (tool->out, "old_password_refused", v->old_password_refused);
      add_bool (tool->out, "new_password_accepted", v->new_password_accepted);
      add_bool (tool->out, "pass", iot_driver_verify_passed (v));
    }
  finish (tool, error);
}

static void
on_update (GObject *source, GAsyncResult *result, gpointer data)
{
  Tool *tool = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotDriverUpdate) u = iot_driver_update_finish (result, &error);
  if (u != NULL)
    {
      add_string (tool->out, "current", u->current);
      add_string (tool->out, "available", u->available);
      add_bool (tool->out, "unknown", u->unknown);
    }
  finish (tool, error);
}

static void
on_progress (IotDriverPhase phase, gint64 elapsed_ms, gpointer data)
{
  static const char *const names[] = { "sent", "down", "waiting", "back" };
  g_printerr ("driver-tool: %s after %" G_GINT64_FORMAT " ms\n", names[phase], elapsed_ms);
}

int
main (int argc, char **argv)
{
  /* GOption overwrites a string option without freeing it: no default here. */
  g_autofree char *driver_name = NULL;
  g_autofree char *pw_file = NULL, *new_file = NULL, *old_file = NULL;
  int port = 80, reboot_timeout = 60000, poll = 500;
  GOptionEntry entries[] = {
    { "driver", 0, 0, G_OPTION_ARG_STRING, &driver_name, "driver name", "NAME" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "port", "N" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &pw_file, "the device's password now", "F" },
    { "new-password-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file, "the new password", "F" },
    { "old-password-file", 0, 0, G_OPTION_ARG_FILENAME, &old_file, "the password before", "F" },
    { "reboot-timeout", 0, 0, G_OPTION_ARG_INT, &reboot_timeout, "ms to wait for a restart", "MS" },
    { "poll", 0, 0, G_OPTION_ARG_INT, &poll, "poll interval", "MS" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("ADDRESS OPERATION");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 3 || port <= 0 || port > 65535)
    {
      g_printerr ("driver-tool: %s\n", error != NULL ? error->message : "usage: ADDRESS OPERATION");
      return 2;
    }
  if (driver_name == NULL)
    driver_name = g_strdup ("shelly-gen2");
  const IotDriver *drv = iot_driver_lookup (driver_name);
  if (drv == NULL)
    {
      g_printerr ("driver-tool: no driver %s\n", driver_name);
      return 2;
    }
  IotHttp *http = iot_http_new ();
  IotDriverDevice *dev = iot_driver_device_new (http, argv[1], (guint16) port);
  dev->reboot_timeout_ms = (guint) reboot_timeout;
  dev->poll_interval_ms = (guint) poll;
  dev->progress = on_progress;
  dev->credential = read_secret (pw_file);
  g_autoptr (IotSecret) new_pw = read_secret (new_file);
  g_autoptr (IotSecret) old_pw = read_secret (old_file);

  Tool tool = { g_main_loop_new (NULL, FALSE), argv[2], FALSE, json_builder_new () };
  json_builder_begin_object (tool.out);
  add_string (tool.out, "op", argv[2]);
  const char *op = argv[2];
  gboolean started = TRUE;
  if (strcmp (op, "identify") == 0 && drv->identify)
    drv->identify (dev, NULL, on_info, &tool);
  else if (strcmp (op, "set-password") == 0 && drv->set_password && new_pw)
    drv->set_password (dev, new_pw, NULL, on_bool, &tool);
  else if (strcmp (op, "verify") == 0 && drv->verify_password && new_pw)
    drv->verify_password (dev, old_pw, new_pw, NULL, on_verify, &tool);
  else if (strcmp (op, "check-update") == 0 && drv->check_update)
    drv->check_update (dev, NULL, on_update, &tool);
  else if (strcmp (op, "update") == 0 && drv->update)
    drv->update (dev, NULL, on_info, &tool);
  else if (strcmp (op, "reset") == 0 && drv->factory_reset)
    drv->factory_reset (dev, NULL, on_info, &tool);
  else
    started = FALSE;
  if (!started)
    {
      g_printerr ("driver-tool: unknown or unsupported operation %s\n", op);
      return 2;
    }
  g_main_loop_run (tool.loop);
  json_builder_end_object (tool.out);
  g_autoptr (JsonNode) root = json_builder_get_root (tool.out);
  g_autofree char *text = json_to_string (root, FALSE);
  printf ("%s\n", text);
  g_object_unref (tool.out);
  g_main_loop_unref (tool.loop);
  iot_driver_device_free (dev);
  iot_http_free (http);
  return tool.ok ? 0 : 1;
}
