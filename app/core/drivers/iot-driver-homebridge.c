/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Homebridge web page driver (homebridge-config-ui-x 4.x, REST on port
 * 8581). An unclaimed page (setupWizardComplete false: whoever comes first
 * becomes admin) is claimed by creating its first user, "admin", with the
 * new password; a claimed one is logged into with the password it has now
 * (4.42.0 starts with admin/admin) and the password is changed. Either way
 * the driver then logs in with the new password, and verification asks the
 * page to log in with nothing, the old password and the new one. Bearer
 * tokens are credentials too: they live in IotSecrets, and the reply they
 * came in is wiped once they are taken out. The accessory reset only
 * rewrites config.json (a new HomeKit username and PIN) and deletes the
 * pairings: Homebridge takes them up when it restarts, so the driver asks
 * the page to restart it and waits until the page has gone and come back.
 */
#include "config.h"

#include "iot-driver.h"

#include "app/core/iot-qr.h"
#include "app/core/iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

#define HOMEBRIDGE_UI_PORT 8581
/* The one account this driver creates and logs in as. */
#define HOMEBRIDGE_USER "admin"
#define FIELD_MAX 128
/* Room for two fully escaped secrets and the keys: the body is built in
 * one allocation, so no reallocation leaves a copy of a password behind. */
#define BODY_ROOM (2 * IOT_SECRET_MAX * 6 + 256)

typedef enum
{
  OP_IDENTIFY,
  OP_SET_PASSWORD,
  OP_VERIFY,
  OP_CHECK_UPDATE,
  OP_RESET,
} OpKind;

typedef struct
{
  IotDriverDevice *dev;
  OpKind kind;
  int step;
  IotSecret *password;
  IotSecret *old;
  IotSecret *token;
  gboolean claimed; /* setupWizardComplete: the page has an account */
  IotDriverVerify *verify;
  gint64 started; /* of the wait for the restart */
  gboolean seen_down;
} Op;

static void op_step (GTask *task);

static void
op_free (gpointer data)
{
  Op *op = data;
  g_clear_pointer (&op->password, iot_secret_free);
  g_clear_pointer (&op->old, iot_secret_free);
  g_clear_pointer (&op->token, iot_secret_free);
  g_clear_pointer (&op->verify, iot_driver_verify_free);
  g_free (op);
}

static GTask *
op_new (IotDriverDevice *dev, OpKind kind, GCancellable *cancellable, GAsyncReadyCallback callback,
        gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);
  op->dev = dev;
  op->kind = kind;
  g_task_set_task_data (task, op, op_free);
  return task;
}

static void
op_fail (GTask *task, IotDriverError code, const char *message)
{
  g_task_return_new_error (task, IOT_DRIVER_ERROR, code, "%s", message);
  g_object_unref (task);
}

/* --- bodies ------------------------------------------------------------------ */

static void
append_json_string (GString *s, const char *v, gsize len)
{
  g_string_append_c (s, '"');
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) v[i];
      if (c == '"' || c == '\\')
        {
          g_string_append_c (s, '\\');
          g_string_append_c (s, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_c (s, (char) c);
    }
  g_string_append_c (s, '"');
}

/* {"k1":"v1","k2":"v2"} from secrets (and the literal @extra members),
 * wiped when the request lets go of it. */
static GBytes *
secret_body (const char *k1, const IotSecret *v1, const char *k2, const IotSecret *v2, const char *extra)
{
  GString *s = g_string_sized_new (BODY_ROOM);
  g_string_append_c (s, '{');
  g_string_append_printf (s, "\"%s\":", k1);
  append_json_string (s, iot_secret_get (v1), iot_secret_len (v1));
  g_string_append_printf (s, ",\"%s\":", k2);
  append_json_string (s, iot_secret_get (v2), iot_secret_len (v2));
  if (extra != NULL)
    g_string_append_printf (s, ",%s", extra);
  g_string_append_c (s, '}');
  gsize len = s->len;
  char *text = g_string_free (s, FALSE);
  return g_bytes_new_with_free_func (text, len, (GDestroyNotify) iot_str_wipe_free, text);
}

/* A login body for @user and @password. */
static GBytes *
login_body (const char *user, const IotSecret *password)
{
  g_autoptr (IotSecret) u = iot_secret_new_from (user, -1);
  return secret_body ("username", u, "password", password, NULL);
}

/* --- one request ------------------------------------------------------------- */

static void
request (GTask *task, const char *method, const char *path, GBytes *body, const IotSecret *token,
         GAsyncReadyCallback callback)
{
  Op *op = g_task_get_task_data (task);
  IotDriverDevice *dev = op->dev;
  g_autofree char *plain = g_strdup (dev->address);
  if (strchr (plain, '%') != NULL)
    *strchr (plain, '%') = '\0';
  g_autofree char *url = NULL;
  if (dev->host != NULL)
    url = g_strdup_printf ("http://%s:%u%s", dev->host, dev->port, path);
  else if (strchr (plain, ':') != NULL)
    url = g_strdup_printf ("http://[%s]:%u%s", plain, dev->port, path);
  else
    url = g_strdup_printf ("http://%s:%u%s", plain, dev->port, path);
  g_autoptr (IotHttpRequest) req = iot_http_request_new (method, url);
  iot_http_request_set_address (req, dev->address);
  if (body != NULL)
    iot_http_request_set_body (req, "application/json", body);
  iot_http_request_set_timeout (req, dev->request_timeout_ms,
                                MIN (dev->request_timeout_ms, (guint) IOT_HTTP_DEFAULT_CONNECT_TIMEOUT_MS));
  if (token != NULL)
    iot_http_request_set_auth (req, IOT_HTTP_AUTH_BEARER, NULL, token);
  iot_http_request_async (dev->http, req, g_task_get_cancellable (task), callback, task);
}

/* The reply, or NULL after returning the error on @task (and dropping it). */
static IotHttpResponse *
reply_or_fail (GTask *task, GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  IotHttpResponse *resp = iot_http_request_finish (op->dev->http, result, &error);
  if (resp == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
    }
  return resp;
}

static JsonObject *
object_or_null (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  const char *s = json_node_get_string (n);
  return s != NULL && s[0] != '\0' ? iot_sanitize_text (s, -1, FIELD_MAX) : NULL;
}

/* The access token of a login reply, into a secret; the reply's bytes
 * and the parsed copy are wiped. NULL when there is none. */
static IotSecret *
take_token (GBytes *body)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  g_autoptr (JsonNode) root = iot_http_parse_json (body, NULL);
  IotSecret *token = NULL;
  JsonObject *o = object_or_null (root);
  JsonNode *n = o != NULL ? json_object_get_member (o, "access_token") : NULL;
  if (n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    {
      const char *t = json_node_get_string (n);
      if (t != NULL && t[0] != '\0')
        token = iot_secret_new_from (t, -1);
      if (t != NULL)
        explicit_bzero ((char *) t, strlen (t));
    }
  if (token == NULL)
    g_debug ("homebridge: no token in a %" G_GSIZE_FORMAT "-byte reply", len);
  if (data != NULL)
    explicit_bzero ((char *) data, len);
  return token;
}

static gboolean
is_refusal (guint status)
{
  return status == 400 || status == 401 || status == 403;
}

/* --- the steps --------------------------------------------------------------- */

static void
on_settings (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (IotHttpResponse) resp = reply_or_fail (task, result);
  if (resp == NULL)
    return;
  g_autoptr (JsonNode) root = resp->status == 200 ? iot_http_parse_json (resp->body, NULL) : NULL;
  JsonObject *o = object_or_null (root);
  /* 4.76.0 answers it inside "env". */
  JsonObject *env = o != NULL ? object_or_null (json_object_get_member (o, "env")) : NULL;
  JsonNode *done = o != NULL ? json_object_get_member (o, "setupWizardComplete") : NULL;
  if (done == NULL && env != NULL)
    done = json_object_get_member (env, "setupWizardComplete");
  if (done == NULL || !JSON_NODE_HOLDS_VALUE (done) || json_node_get_value_type (done) != G_TYPE_BOOLEAN)
    {
      /* 4.42.0 predates the setup wizard: it always has an account. */
      if (o == NULL)
        {
          op_fail (task, IOT_DRIVER_ERROR_BAD_REPLY, _("The device's answer is not what its API documents"));
          return;
        }
      op->claimed = TRUE;
    }
  else
    op->claimed = json_node_get_boolean (done);
  op->step++;
  op_step (task);
}

static void
on_login (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (IotHttpResponse) resp = reply_or_fail (task, result);
  if (resp == NULL)
    return;
  gboolean accepted = resp->status == 200 || resp->status == 201;
  if (op->kind == OP_VERIFY)
    {
      if (accepted)
        {
          g_clear_pointer (&op->token, iot_secret_free);
          op->token = take_token (resp->body);
        }
      else if (!is_refusal (resp->status))
        {
          op_fail (task, IOT_DRIVER_ERROR_DEVICE, _("The device reported an error"));
          return;
        }
      if (op->step == 1)
        op->verify->no_password_refused = op->claimed && !accepted;
      else if (op->step == 2)
        op->verify->old_password_refused = !accepted;
      else
        op->verify->new_password_accepted = accepted;
      op->step++;
      op_step (task);
      return;
    }
  if (!accepted)
    {
      if (op->kind == OP_SET_PASSWORD && op->step == 3)
        op_fail (task, IOT_DRIVER_ERROR_UNCHANGED, _("The device did not accept the new password"));
      else if (is_refusal (resp->status))
        op_fail (task, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
      else
        op_fail (task, IOT_DRIVER_ERROR_DEVICE, _("The device reported an error"));
      return;
    }
  g_clear_pointer (&op->token, iot_secret_free);
  op->token = take_token (resp->body);
  if (op->token == NULL)
    {
      op_fail (task, IOT_DRIVER_ERROR_BAD_REPLY, _("The device's answer is not what its API documents"));
      return;
    }
  if (op->kind == OP_SET_PASSWORD && op->step == 3)
    {
      iot_driver_device_set_credential (op->dev, op->password);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  op->step++;
  op_step (task);
}

static void
progress (Op *op, IotDriverPhase phase)
{
  if (op->dev->progress != NULL)
    op->dev->progress (phase, (g_get_monotonic_time () - op->started) / 1000, op->dev->progress_data);
}

static gboolean
on_poll_timer (gpointer data)
{
  op_step (data);
  return G_SOURCE_REMOVE;
}

static void
poll_later (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  if ((g_get_monotonic_time () - op->started) / 1000 >= op->dev->reboot_timeout_ms)
    {
      op_fail (task, IOT_DRIVER_ERROR_GONE, _("The device did not come back in time"));
      return;
    }
  GSource *timer = g_timeout_source_new (op->dev->poll_interval_ms);
  g_source_set_callback (timer, on_poll_timer, task, NULL);
  g_source_set_name (timer, "homebridge restart poll");
  g_source_attach (timer, g_main_context_get_thread_default ());
  g_source_unref (timer);
}

/* A poll of the page while Homebridge restarts: it must be seen gone (the
 * page goes down with it) before an answer counts as "back", or the
 * answer could come from before the restart. */
static void
on_polled (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (IotHttpResponse) resp = iot_http_request_finish (op->dev->http, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (resp == NULL || resp->status != 200)
    {
      progress (op, op->seen_down ? IOT_DRIVER_PHASE_WAITING : IOT_DRIVER_PHASE_DOWN);
      op->seen_down = TRUE;
      poll_later (task);
      return;
    }
  if (!op->seen_down)
    {
      progress (op, IOT_DRIVER_PHASE_WAITING);
      poll_later (task);
      return;
    }
  progress (op, IOT_DRIVER_PHASE_BACK);
  IotDriverInfo *info = g_new0 (IotDriverInfo, 1);
  info->id = g_strdup ("homebridge");
  info->auth_enabled = op->claimed;
  g_task_return_pointer (task, info, (GDestroyNotify) iot_driver_info_free);
  g_object_unref (task);
}

/* After create-first-user, change-password or the reset. */
static void
on_changed (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (IotHttpResponse) resp = reply_or_fail (task, result);
  if (resp == NULL)
    return;
  if (resp->status != 200 && resp->status != 201)
    {
      g_debug ("homebridge: step %d answered %u", op->step, resp->status);
      if (is_refusal (resp->status))
        op_fail (task, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
      else
        op_fail (task, IOT_DRIVER_ERROR_DEVICE, _("The device reported an error"));
      return;
    }
  if (op->kind == OP_RESET)
    {
      /* 2: reset accepted, now the restart; 3: restart accepted, wait. */
      if (op->step == 3)
        {
          op->started = g_get_monotonic_time ();
          progress (op, IOT_DRIVER_PHASE_SENT);
        }
      op->step++;
      op_step (task);
      return;
    }
  op->step = 3; /* log in with the new password */
  op_step (task);
}

static void
on_version (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (IotHttpResponse) resp = reply_or_fail (task, result);
  if (resp == NULL)
    return;
  if (resp->status != 200)
    {
      op_fail (task, is_refusal (resp->status) ? IOT_DRIVER_ERROR_AUTH : IOT_DRIVER_ERROR_DEVICE,
               is_refusal (resp->status) ? _("The device refused the password")
                                         : _("The device reported an error"));
      return;
    }
  g_autoptr (JsonNode) root = iot_http_parse_json (resp->body, NULL);
  JsonObject *o = object_or_null (root);
  g_autofree char *installed = string_member (o, "installedVersion");
  if (installed == NULL)
    {
      op_fail (task, IOT_DRIVER_ERROR_BAD_REPLY, _("The device's answer is not what its API documents"));
      return;
    }
  if (op->kind == OP_IDENTIFY)
    {
      IotDriverInfo *info = g_new0 (IotDriverInfo, 1);
      info->id = g_strdup ("homebridge");
      info->app = string_member (o, "name");
      info->firmware = g_steal_pointer (&installed);
      info->auth_enabled = op->claimed;
      g_task_return_pointer (task, info, (GDestroyNotify) iot_driver_info_free);
      g_object_unref (task);
      return;
    }
  IotDriverUpdate *u = g_new0 (IotDriverUpdate, 1);
  g_autofree char *latest = string_member (o, "latestVersion");
  JsonNode *avail = o != NULL ? json_object_get_member (o, "updateAvailable") : NULL;
  gboolean available = avail != NULL && JSON_NODE_HOLDS_VALUE (avail)
                       && json_node_get_value_type (avail) == G_TYPE_BOOLEAN && json_node_get_boolean (avail);
  if (available && latest != NULL)
    u->available = g_steal_pointer (&latest);
  /* Offline, the page answers updateAvailable:false without a latest
   * version (or with its own): it does not know, it is not up to date. */
  else
    u->unknown = latest == NULL || g_strcmp0 (latest, installed) != 0;
  u->current = g_steal_pointer (&installed);
  g_task_return_pointer (task, u, (GDestroyNotify) iot_driver_update_free);
  g_object_unref (task);
}

/* Logs in with the credential the assistant holds, or fails: the page
 * tells no one anything without an account. */
static void
login_current (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  if (op->dev->credential == NULL)
    {
      op_fail (task, IOT_DRIVER_ERROR_AUTH, _("The device refused the password"));
      return;
    }
  g_autoptr (GBytes) body = login_body (HOMEBRIDGE_USER, op->dev->credential);
  request (task, "POST", "/api/auth/login", body, NULL, on_login);
}

static void
op_step (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  if (op->step == 0)
    {
      request (task, "GET", "/api/auth/settings", NULL, NULL, on_settings);
      return;
    }
  switch (op->kind)
    {
    case OP_IDENTIFY:
    case OP_CHECK_UPDATE:
      if (op->step == 1 && (op->dev->credential != NULL || op->kind == OP_CHECK_UPDATE))
        login_current (task);
      else if (op->step == 1)
        {
          /* No account known: what the page shows anyone. */
          IotDriverInfo *info = g_new0 (IotDriverInfo, 1);
          info->id = g_strdup ("homebridge");
          info->auth_enabled = op->claimed;
          g_task_return_pointer (task, info, (GDestroyNotify) iot_driver_info_free);
          g_object_unref (task);
        }
      else
        request (task, "GET", "/api/status/homebridge-version", NULL, op->token, on_version);
      return;
    case OP_RESET:
      if (op->step == 1)
        login_current (task);
      else if (op->step == 2)
        request (task, "PUT", "/api/server/reset-homebridge-accessory", NULL, op->token, on_changed);
      else if (op->step == 3)
        request (task, "PUT", "/api/server/restart", NULL, op->token, on_changed);
      else
        request (task, "GET", "/api/auth/settings", NULL, NULL, on_polled);
      return;
    case OP_SET_PASSWORD:
      if (op->step == 1 && !op->claimed)
        {
          /* Claim it: the first user becomes admin, with the new password. */
          g_autoptr (IotSecret) user = iot_secret_new_from (HOMEBRIDGE_USER, -1);
          g_autoptr (GBytes) body = secret_body ("username", user, "password", op->password,
                                                 "\"name\":\"Administrator\",\"admin\":true");
          request (task, "POST", "/api/setup-wizard/create-first-user", body, NULL, on_changed);
        }
      else if (op->step == 1)
        login_current (task);
      else if (op->step == 2)
        {
          g_autoptr (GBytes) body = secret_body ("currentPassword", op->dev->credential, "newPassword",
                                                 op->password, NULL);
          request (task, "POST", "/api/users/change-password", body, op->token, on_changed);
        }
      else
        {
          g_autoptr (GBytes) body = login_body (HOMEBRIDGE_USER, op->password);
          request (task, "POST", "/api/auth/login", body, NULL, on_login);
        }
      return;
    case OP_VERIFY:
      {
        g_autoptr (IotSecret) empty = iot_secret_new ();
        g_autoptr (IotSecret) def = iot_secret_new_from ("admin", -1);
        const IotSecret *which = op->step == 1   ? empty
                                 : op->step == 2 ? (op->old != NULL ? op->old : def)
                                                 : op->password;
        if (op->step > 3)
          {
            g_task_return_pointer (task, g_steal_pointer (&op->verify), (GDestroyNotify) iot_driver_verify_free);
            g_object_unref (task);
            return;
          }
        g_autoptr (GBytes) body = login_body (HOMEBRIDGE_USER, which);
        request (task, "POST", "/api/auth/login", body, NULL, on_login);
        return;
      }
    }
}

static void
hb_identify (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  op_step (op_new (dev, OP_IDENTIFY, cancellable, callback, user_data));
}

static void
hb_set_password (IotDriverDevice *dev, const IotSecret *password, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = op_new (dev, OP_SET_PASSWORD, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  op->password = iot_secret_copy (password);
  op_step (task);
}

/* @old NULL: the published default (admin) is tried as the old one, so a
 * claimed page is never taken as safe while admin/admin still works. */
static void
hb_verify_password (IotDriverDevice *dev, const IotSecret *old, const IotSecret *password,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = op_new (dev, OP_VERIFY, cancellable, callback, user_data);
  Op *op = g_task_get_task_data (task);
  op->password = iot_secret_copy (password);
  if (old != NULL && !iot_secret_is_empty (old))
    op->old = iot_secret_copy (old);
  op->verify = g_new0 (IotDriverVerify, 1);
  op_step (task);
}

static void
hb_check_update (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
  op_step (op_new (dev, OP_CHECK_UPDATE, cancellable, callback, user_data));
}

/* Resets the bridge's HomeKit identity (pairings, accessory cache, a new
 * username and setup code), restarts Homebridge so that it announces the
 * new identity, and returns once the page answers again. The web page's
 * accounts, its config.json otherwise and the plugins are not touched:
 * dev->credential stays valid. */
static void
hb_factory_reset (IotDriverDevice *dev, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  op_step (op_new (dev, OP_RESET, cancellable, callback, user_data));
}

const IotDriver iot_driver_homebridge_ui = {
  .name = "homebridge-ui",
  .port = HOMEBRIDGE_UI_PORT,
  .identify = hb_identify,
  .set_password = hb_set_password,
  .verify_password = hb_verify_password,
  .check_update = hb_check_update,
  .factory_reset = hb_factory_reset,
};
