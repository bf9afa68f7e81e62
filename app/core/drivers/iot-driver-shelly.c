/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Shelly Gen2+ driver: the documented JSON-RPC over HTTP (POST /rpc),
 * authenticated with HTTP Digest SHA-256 as user "admin" once a password is
 * set. Shelly.SetAuth stores ha1 = sha256("admin:<device id>:<password>")
 * and is sent last (after it, unauthenticated calls get 401); the driver
 * then proves the new password works with a digest call. Update and factory
 * reset restart the device: the driver polls Shelly.GetDeviceInfo (always
 * unauthenticated) on a bounded schedule until the device is back, and
 * judges by what it reports then.
 */
#include "config.h"

#include "iot-driver-shelly.h"

#include "app/core/iot-qr.h"
#include "app/core/iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

/* Longest value we keep from a device (ids, versions, models). */
#define FIELD_MAX 128
/* A poll while waiting for a restart gives up sooner than a normal call. */
#define POLL_TIMEOUT_MS 3000

/* --- answers ----------------------------------------------------------------- */

static void
set_bad_reply (GError **error)
{
  g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY,
                       _("The device's answer is not what its API documents"));
}

JsonNode *
iot_shelly_parse_reply (guint status, GBytes *body, GError **error)
{
  if (status == 401)
    {
      g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
      return NULL;
    }
  g_autoptr (JsonNode) root = iot_http_parse_json (body, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      set_bad_reply (error);
      return NULL;
    }
  JsonObject *o = json_node_get_object (root);
  JsonNode *err = json_object_get_member (o, "error");
  if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
    {
      JsonNode *code = json_object_get_member (json_node_get_object (err), "code");
      gint64 c = code != NULL && JSON_NODE_HOLDS_VALUE (code)
                         && json_node_get_value_type (code) == G_TYPE_INT64
                     ? json_node_get_int (code)
                     : 0;
      g_debug ("shelly: the device answered error %" G_GINT64_FORMAT, c);
      if (c == 401)
        g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
      else
        g_set_error_literal (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_DEVICE, _("The device reported an error"));
      return NULL;
    }
  JsonNode *result = json_object_get_member (o, "result");
  if (status != 200 || result == NULL)
    {
      set_bad_reply (error);
      return NULL;
    }
  return json_node_copy (result);
}

/* A sanitized string member, or NULL when absent, null or not a string. */
static char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  const char *s = json_node_get_string (n);
  if (s == NULL || s[0] == '\0')
    return NULL;
  return iot_sanitize_text (s, -1, FIELD_MAX);
}

IotDriverInfo *
iot_shelly_parse_device_info (JsonNode *result, GError **error)
{
  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      set_bad_reply (error);
      return NULL;
    }
  JsonObject *o = json_node_get_object (result);
  JsonNode *gen = json_object_get_member (o, "gen");
  JsonNode *auth = json_object_get_member (o, "auth_en");
  g_autofree char *id = string_member (o, "id");
  g_autofree char *ver = string_member (o, "ver");
  if (id == NULL || ver == NULL || gen == NULL || !JSON_NODE_HOLDS_VALUE (gen)
      || json_node_get_value_type (gen) != G_TYPE_INT64 || json_node_get_int (gen) < 2
      || auth == NULL || !JSON_NODE_HOLDS_VALUE (auth) || json_node_get_value_type (auth) != G_TYPE_BOOLEAN)
    {
      set_bad_reply (error);
      return NULL;
    }
  IotDriverInfo *info = g_new0 (IotDriverInfo, 1);
  info->id = g_steal_pointer (&id);
  info->firmware = g_steal_pointer (&ver);
  info->model = string_member (o, "model");
  info->app = string_member (o, "app");
  info->build = string_member (o, "fw_id");
  info->auth_enabled = json_node_get_boolean (auth);
  return info;
}

gboolean
iot_shelly_parse_update (JsonNode *result, char **available, GError **error)
{
  *available = NULL;
  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      set_bad_reply (error);
      return FALSE;
    }
  JsonNode *stable = json_object_get_member (json_node_get_object (result), "stable");
  if (stable == NULL || JSON_NODE_HOLDS_NULL (stable))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (stable))
    {
      set_bad_reply (error);
      return FALSE;
    }
  *available = string_member (json_node_get_object (stable), "version");
  if (*available == NULL)
    {
      set_bad_reply (error);
      return FALSE;
    }
  return TRUE;
}

char *
iot_shelly_ha1 (const char *realm, const IotSecret *password)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) "admin:", 6);
  g_checksum_update (sum, (const guchar *) realm, strlen (realm));
  g_checksum_update (sum, (const guchar *) ":", 1);
  g_checksum_update (sum, (const guchar *) iot_secret_get (password), iot_secret_len (password));
  return g_strdup (g_checksum_get_string (sum));
}

/* --- one call ---------------------------------------------------------------- */

static void
on_call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  IotDriverDevice *dev = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (IotHttpResponse) resp = iot_http_request_finish (dev->http, result, &error);
  JsonNode *node = resp != NULL && !iot_driver_refuse_redirect (dev, resp, &error)
                     ? iot_shelly_parse_reply (resp->status, resp->body, &error)
                     : NULL;
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
  g_object_unref (task);
}

/* POST /rpc {"id":1,"method":@method,"params":@params}; with Digest when
 * @credential is given. → call_finish (the "result" node). */
static void
call (IotDriverDevice *dev, const char *method, JsonNode *params, const IotSecret *credential,
      guint timeout_ms, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_task_data (task, dev, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  if (params != NULL)
    {
      json_builder_set_member_name (b, "params");
      json_builder_add_value (b, json_node_ref (params));
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  gsize len = 0;
  char *text = json_to_string (root, FALSE);
  len = strlen (text);
  /* The body may hold an ha1: wiped when the request lets go of it. */
  g_autoptr (GBytes) body = g_bytes_new_with_free_func (text, len, (GDestroyNotify) iot_str_wipe_free, text);

  g_autofree char *plain = g_strdup (dev->address);
  if (strchr (plain, '%') != NULL)
    *strchr (plain, '%') = '\0';
  g_autofree char *url = NULL;
  if (dev->host != NULL)
    url = g_strdup_printf ("http://%s:%u/rpc", dev->host, dev->port);
  else if (strchr (plain, ':') != NULL)
    url = g_strdup_printf ("http://[%s]:%u/rpc", plain, dev->port);
  else
    url = g_strdup_printf ("http://%s:%u/rpc", plain, dev->port);
  g_autoptr (IotHttpRequest) req = iot_http_request_new ("POST", url);
  iot_http_request_set_address (req, dev->address);
  iot_http_request_set_body (req, "application/json", body);
  iot_http_request_set_timeout (req, timeout_ms, MIN (timeout_ms, (guint) IOT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS));
  if (credential != NULL)
    iot_http_request_set_auth (req, IOT_HTTP_AUTH_DIGEST, "admin", credential);
  iot_http_request_async (dev->http, req, cancellable, on_call_done, task);
}

static JsonNode *
call_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- operations ----------------------------------------------------------------- */

typedef enum
{
  OP_IDENTIFY,
  OP_SET_PASSWORD,
  OP_VERIFY,
  OP_CHECK_UPDATE,
  OP_UPDATE,
  OP_RESET,
} OpKind;

typedef IotDriverOp Op;

static void op_step (GTask *task);

static JsonNode *
params_stage (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "stage");
  json_builder_add_string_value (b, "stable");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
params_set_auth (const char *realm, const IotSecret *password)
{
  g_autofree char *ha1 = iot_shelly_ha1 (realm, password);
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, "admin");
  json_builder_set_member_name (b, "realm");
  json_builder_add_string_value (b, realm);
  json_builder_set_member_name (b, "ha1");
  json_builder_add_string_value (b, ha1);
  json_builder_end_object (b);
  explicit_bzero (ha1, strlen (ha1));
  return json_builder_get_root (b);
}

static void
on_identified (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = call_finish (result, &error);
  IotDriverInfo *info = node != NULL ? iot_shelly_parse_device_info (node, &error) : NULL;
  if (info == NULL)
    {
      iot_driver_op_return_error (task, error);
      return;
    }
  if (op->kind == OP_IDENTIFY)
    {
      g_task_return_pointer (task, info, (GDestroyNotify) iot_driver_info_free);
      g_object_unref (task);
      return;
    }
  op->info = info;
  op->step++;
  op_step (task);
}

static void
identify_async (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  call (op->dev, "Shelly.GetDeviceInfo", NULL, NULL, op->dev->request_timeout_ms,
        g_task_get_cancellable (task), on_identified, task);
}

/* --- waiting for a restart --------------------------------------------- */

static void poll_now (GTask *task);

static void
poll_later (GTask *task)
{
  iot_driver_op_poll_later (task, poll_now);
}

static void
on_polled (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = call_finish (result, &error);
  if (node == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          iot_driver_op_return_error (task, g_steal_pointer (&error));
          return;
        }
      iot_driver_op_progress (op, op->seen_down ? IOT_DRIVER_PHASE_WAITING : IOT_DRIVER_PHASE_DOWN);
      op->seen_down = TRUE;
      poll_later (task);
      return;
    }
  IotDriverInfo *now = iot_shelly_parse_device_info (node, &error);
  if (now == NULL)
    {
      iot_driver_op_return_error (task, g_steal_pointer (&error));
      return;
    }
  gboolean changed = op->info == NULL || g_strcmp0 (now->firmware, op->info->firmware) != 0;
  if (op->kind == OP_UPDATE && changed)
    {
      iot_driver_op_progress (op, IOT_DRIVER_PHASE_BACK);
      g_task_return_pointer (task, now, (GDestroyNotify) iot_driver_info_free);
      g_object_unref (task);
      return;
    }
  if (!op->seen_down)
    {
      /* Still up: the restart has not begun. */
      iot_driver_info_free (now);
      iot_driver_op_progress (op, IOT_DRIVER_PHASE_WAITING);
      poll_later (task);
      return;
    }
  iot_driver_op_progress (op, IOT_DRIVER_PHASE_BACK);
  if (op->kind == OP_UPDATE)
    g_task_return_new_error (task, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_UNCHANGED, "%s",
                             _("The device restarted, but its firmware version did not change"));
  else if (now->auth_enabled)
    g_task_return_new_error (task, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_UNCHANGED, "%s",
                             _("The device still has a password after the reset"));
  else
    {
      g_clear_pointer (&op->dev->credential, iot_secret_free);
      g_task_return_pointer (task, g_steal_pointer (&now), (GDestroyNotify) iot_driver_info_free);
    }
  iot_driver_info_free (now);
  g_object_unref (task);
}

static void
poll_now (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  call (op->dev, "Shelly.GetDeviceInfo", NULL, NULL, MIN (op->dev->request_timeout_ms, POLL_TIMEOUT_MS),
        g_task_get_cancellable (task), on_polled, task);
}

/* --- the steps --------------------------------------------------------------- */

static void
on_step_call (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) node = call_finish (result, &error);

  if (op->kind == OP_VERIFY)
    {
      /* step 1: no password, 2: the old one, 3: the new one. A refusal is
       * an observation; anything else but success is a failure to observe. */
      gboolean refused = g_error_matches (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH);
      if (node == NULL && !refused)
        {
          iot_driver_op_return_error (task, error);
          return;
        }
      g_clear_error (&error);
      if (op->step == 1)
        {
          op->verify->no_password_refused = refused;
          /* Open to anyone: no password is in force, whatever else answers.
           * (Nor could a Digest call be made: the device never challenges.) */
          if (!refused)
            op->step = 3;
        }
      else if (op->step == 2)
        op->verify->old_password_refused = refused;
      else
        op->verify->new_password_accepted = !refused;
      op->step++;
      op_step (task);
      return;
    }

  if (node == NULL)
    {
      if (op->kind == OP_SET_PASSWORD && op->step == 2
          && g_error_matches (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_UNCHANGED,
                               _("The device did not accept the new password"));
        }
      iot_driver_op_return_error (task, error);
      return;
    }

  switch ((OpKind) op->kind)
    {
    case OP_SET_PASSWORD:
      if (op->step == 1)
        {
          op->step++;
          op_step (task);
          return;
        }
      iot_driver_device_set_credential (op->dev, op->password);
      g_task_return_boolean (task, TRUE);
      break;
    case OP_CHECK_UPDATE:
      {
        char *available = NULL;
        if (!iot_shelly_parse_update (node, &available, &error))
          {
            g_task_return_error (task, error);
            break;
          }
        IotDriverUpdate *u = g_new0 (IotDriverUpdate, 1);
        u->current = g_strdup (op->info->firmware);
        u->available = available;
        g_task_return_pointer (task, u, (GDestroyNotify) iot_driver_update_free);
        break;
      }
    case OP_UPDATE:
    case OP_RESET:
      op->started = g_get_monotonic_time ();
      iot_driver_op_progress (op, IOT_DRIVER_PHASE_SENT);
      poll_later (task);
      return;
    case OP_IDENTIFY:
    case OP_VERIFY:
      g_assert_not_reached ();
    }
  g_object_unref (task);
}

/* Steps: 0 is always identify (on_identified moves to 1). */
static void
op_step (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  IotDriverDevice *dev = op->dev;
  GCancellable *c = g_task_get_cancellable (task);
  guint t = dev->request_timeout_ms;
  /* Credentials only where the device asks for them: libcurl's Digest
   * first sends a POST without its body and waits for the challenge, which
   * a device without a password never sends. */
  const IotSecret *cred = op->info != NULL && op->info->auth_enabled ? dev->credential : NULL;
  if (op->step == 0 || (op->info == NULL && op->kind != OP_VERIFY))
    {
      identify_async (task);
      return;
    }
  switch ((OpKind) op->kind)
    {
    case OP_SET_PASSWORD:
      if (op->step == 1)
        {
          /* Sent last of all settings: after it, only digest calls work. */
          g_autoptr (JsonNode) p = params_set_auth (op->info != NULL ? op->info->id : "", op->password);
          call (dev, "Shelly.SetAuth", p, cred, t, c, on_step_call, task);
        }
      else /* prove the new password works */
        call (dev, "Shelly.GetStatus", NULL, op->password, t, c, on_step_call, task);
      return;
    case OP_VERIFY:
      if (op->step == 1)
        call (dev, "Shelly.GetStatus", NULL, NULL, t, c, on_step_call, task);
      else if (op->step == 2 && op->old != NULL)
        call (dev, "Shelly.GetStatus", NULL, op->old, t, c, on_step_call, task);
      else if (op->step == 2)
        {
          op->verify->old_password_refused = TRUE; /* there was none: that is the no-password case */
          op->step++;
          op_step (task);
        }
      else if (op->step == 3)
        call (dev, "Shelly.GetStatus", NULL, op->password, t, c, on_step_call, task);
      else
        {
          iot_driver_op_return_verify (task);
        }
      return;
    case OP_CHECK_UPDATE:
      call (dev, "Shelly.CheckForUpdate", NULL, cred, t, c, on_step_call, task);
      return;
    case OP_UPDATE:
      {
        g_autoptr (JsonNode) p = params_stage ();
        call (dev, "Shelly.Update", p, cred, t, c, on_step_call, task);
        return;
      }
    case OP_RESET:
      call (dev, "Shelly.FactoryReset", NULL, cred, t, c, on_step_call, task);
      return;
    case OP_IDENTIFY:
      g_assert_not_reached ();
    }
}

static void
shelly_identify (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_IDENTIFY, NULL, cancellable, callback, user_data));
}

static void
shelly_set_password (IotDriverDevice *dev, const IotSecret *password, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_SET_PASSWORD, password, cancellable, callback, user_data));
}

static void
shelly_verify_password (IotDriverDevice *dev, const IotSecret *old, const IotSecret *password,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = iot_driver_op_new_verify (dev, OP_VERIFY, old, password, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  op->step = 1; /* no identify needed */
  op_step (task);
}

static void
shelly_check_update (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_CHECK_UPDATE, NULL, cancellable, callback, user_data));
}

static void
shelly_update (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_UPDATE, NULL, cancellable, callback, user_data));
}

static void
shelly_factory_reset (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  op_step (iot_driver_op_new (dev, OP_RESET, NULL, cancellable, callback, user_data));
}

const IotDriver iot_driver_shelly_gen2 = {
  .name = "shelly-gen2",
  .identify = shelly_identify,
  .set_password = shelly_set_password,
  .verify_password = shelly_verify_password,
  .check_update = shelly_check_update,
  .update = shelly_update,
  .factory_reset = shelly_factory_reset,
};
