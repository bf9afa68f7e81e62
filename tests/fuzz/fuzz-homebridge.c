/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: what the Homebridge web page driver makes of the page's
 * answers (iot-driver-homebridge.h): the settings (is there an account),
 * a login (the token), a change and the version. Whatever the bytes, each
 * ends in a result or an error (never both, never neither) that fits the
 * status; a token is taken only from an accepted login, never cut, and the
 * reply is wiped once it is taken; every kept string is clean for display,
 * and "up to date" is said only when the page names the installed version
 * as the latest.
 *
 * Input: one byte picks the HTTP status (200, 201, 400, 401, 403, 404, 500
 * or 302), the rest is the body.
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/drivers/iot-driver-homebridge.h"

#include <string.h>

/* The driver's bound on a kept string (FIELD_MAX). */
#define FIELD_MAX 128

static gboolean
is_refusal (guint status)
{
  return status == 400 || status == 401 || status == 403;
}

static void
check_error (const GError *error, guint status, const char *what)
{
  if (error->domain != IOT_DRIVER_ERROR)
    fuzz_fail (what, "an error outside IOT_DRIVER_ERROR");
  int want = is_refusal (status) ? IOT_DRIVER_ERROR_AUTH : IOT_DRIVER_ERROR_DEVICE;
  if (status != 200 && error->code != want)
    fuzz_fail (what, "the error does not fit the status");
  fuzz_check_display_text (error->message, 1024, what);
}

static void
check_settings (guint status, GBytes *body)
{
  g_autoptr (GError) error = NULL;
  gboolean claimed = 2;
  gboolean ok = iot_homebridge_parse_settings (status, body, &claimed, &error);
  if (ok == (error != NULL))
    fuzz_fail ("settings: result and error disagree", NULL);
  if (ok && claimed != TRUE && claimed != FALSE)
    fuzz_fail ("settings: no answer to whether there is an account", NULL);
  if (ok && status != 200)
    fuzz_fail ("settings: believed without a 200", NULL);
  if (!ok && !g_error_matches (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY))
    fuzz_fail ("settings: an error other than BAD_REPLY", NULL);
}

static void
check_login (guint status, const guint8 *data, gsize len)
{
  /* A copy of its own: a login wipes the reply it took a token from. */
  g_autoptr (GBytes) body = g_bytes_new (data, len);
  g_autoptr (GError) error = NULL;
  IotSecret *token = NULL;
  gboolean accepted = iot_homebridge_parse_login (status, body, &token, &error);
  if (accepted != (status == 200 || status == 201))
    fuzz_fail ("login: accepted does not fit the status", NULL);
  if ((error != NULL) != (!accepted && !is_refusal (status)))
    fuzz_fail ("login: an error where there should be none, or none where there should", NULL);
  if (error != NULL)
    check_error (error, status, "login error");
  if (token != NULL && !accepted)
    fuzz_fail ("login: a token from a refused login", NULL);
  if (token != NULL && (iot_secret_is_empty (token) || iot_secret_len (token) > IOT_SECRET_MAX))
    fuzz_fail ("login: an empty or oversized token", NULL);
  if (accepted)
    {
      gsize n;
      const guint8 *after = g_bytes_get_data (body, &n);
      for (gsize i = 0; i < n; i++)
        if (after[i] != 0)
          fuzz_fail ("login: the reply was not wiped", NULL);
    }
  /* The token is the one the reply carries, whole. */
  if (token != NULL)
    {
      g_autoptr (JsonNode) root = iot_http_parse_json_data ((const char *) data, len, NULL);
      JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      const char *t = o != NULL ? json_object_get_string_member_with_default (o, "access_token", NULL) : NULL;
      if (g_strcmp0 (t, iot_secret_get (token)) != 0)
        fuzz_fail ("login: the token is not the reply's access_token", NULL);
    }
  g_clear_pointer (&token, iot_secret_free);
}

static void
check_changed (guint status)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = iot_homebridge_parse_changed (status, &error);
  if (ok != (status == 200 || status == 201) || ok == (error != NULL))
    fuzz_fail ("changed: the answer does not fit the status", NULL);
  if (error != NULL)
    check_error (error, status, "changed error");
}

static void
check_version (guint status, GBytes *body)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *app = NULL;
  g_autoptr (IotDriverUpdate) u = iot_homebridge_parse_version (status, body, &app, &error);
  if ((u == NULL) == (error == NULL))
    fuzz_fail ("version: result and error disagree", NULL);
  if (u == NULL)
    {
      check_error (error, status, "version error");
      if (app != NULL)
        fuzz_fail ("version: an app name with an error", NULL);
      return;
    }
  if (status != 200)
    fuzz_fail ("version: believed without a 200", NULL);
  if (u->current == NULL)
    fuzz_fail ("version: no installed version", NULL);
  fuzz_check_display_text (u->current, FIELD_MAX, "installed version");
  if (u->available != NULL)
    fuzz_check_display_text (u->available, FIELD_MAX, "available version");
  if (app != NULL)
    fuzz_check_display_text (app, FIELD_MAX, "name");
  if (u->available != NULL && u->unknown)
    fuzz_fail ("version: an update available and unknown at once", NULL);
  /* "Up to date" (neither) only on the page's word that the latest
   * version is the installed one. */
  if (u->available == NULL && !u->unknown)
    {
      g_autoptr (JsonNode) root = iot_http_parse_json (body, NULL);
      JsonObject *o = json_node_get_object (root);
      const char *latest = json_object_get_string_member_with_default (o, "latestVersion", NULL);
      const char *installed = json_object_get_string_member_with_default (o, "installedVersion", NULL);
      if (latest == NULL || g_strcmp0 (latest, installed) != 0)
        fuzz_fail ("version: up to date without the page saying so", NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const guint statuses[] = { 200, 201, 400, 401, 403, 404, 500, 302 };
  fuzz_init ();
  if (size == 0)
    return 0;
  guint status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  g_autoptr (GBytes) body = g_bytes_new (data + 1, size - 1);
  check_settings (status, body);
  check_changed (status);
  check_version (status, body);
  check_login (status, data + 1, size - 1);
  return 0;
}
