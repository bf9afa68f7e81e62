/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for the Homebridge web page driver's handling of the page's
 * answers (app/core/drivers/iot-driver-homebridge.h), on answers recorded
 * from homebridge-config-ui-x 4.42.0 and 4.76.0 in the lab
 * (tests/fuzz/capture-homebridge.sh) and on hostile ones. The driver's
 * operations run against the real page in tests/cli/set-password-lab.sh.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/drivers/iot-driver-homebridge.h"
#include "app/core/iot-sanitize.h"

#include <string.h>

/* Recorded (GET /api/auth/settings), shortened to what matters. */
#define SETTINGS_4_76_UNCLAIMED                                                                     \
  "{\"env\":{\"canShutdownRestartHost\":true,\"homebridgeVersion\":null,"                           \
  "\"packageName\":\"homebridge-config-ui-x\",\"packageVersion\":\"4.76.0\",\"port\":8581,"         \
  "\"serviceMode\":false,\"setupWizardComplete\":false},\"formAuth\":true,\"theme\":\"orange\"}"
#define SETTINGS_4_42                                                                               \
  "{\"env\":{\"ableToConfigureSelf\":true,\"homebridgeVersion\":null,"                              \
  "\"packageName\":\"homebridge-config-ui-x\",\"packageVersion\":\"4.42.0\"},\"formAuth\":true,"    \
  "\"theme\":\"auto\"}"
/* POST /api/auth/login, 201 (the token's signature blanked). */
#define LOGIN_201                                                                                   \
  "{\"access_token\":\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0."           \
  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"token_type\":\"Bearer\",\"expires_in\":28800}"
#define TOKEN "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImFkbWluIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
/* GET /api/status/homebridge-version with no way to the npm registry. */
#define VERSION_OFFLINE                                                                             \
  "{\"name\":\"homebridge\",\"private\":false,\"installedVersion\":\"1.11.4\","                     \
  "\"globalInstall\":false,\"updateAvailable\":false,\"updateTag\":null,\"publicPackage\":false,"   \
  "\"latestVersion\":null,\"links\":{}}"

static GBytes *
bytes (const char *body)
{
  return g_bytes_new (body, strlen (body));
}

static gboolean
settings (guint status, const char *body, gboolean *claimed, GError **error)
{
  g_autoptr (GBytes) b = bytes (body);
  *claimed = -1;
  return iot_homebridge_parse_settings (status, b, claimed, error);
}

static void
test_settings (void)
{
  g_autoptr (GError) error = NULL;
  gboolean claimed;
  /* 4.76.0 says it under "env"; older pages at the top. */
  g_assert_true (settings (200, SETTINGS_4_76_UNCLAIMED, &claimed, &error));
  g_assert_no_error (error);
  g_assert_false (claimed);
  g_assert_true (settings (200, "{\"setupWizardComplete\":false,\"formAuth\":true}", &claimed, &error));
  g_assert_false (claimed);
  g_assert_true (settings (200, "{\"env\":{\"setupWizardComplete\":true}}", &claimed, &error));
  g_assert_true (claimed);
  /* The top level wins over env. */
  g_assert_true (settings (200, "{\"setupWizardComplete\":true,\"env\":{\"setupWizardComplete\":false}}",
                           &claimed, &error));
  g_assert_true (claimed);
  /* 4.42.0 has no setup wizard: it always has an account. So has a page
   * whose flag is not a boolean: never taken as unclaimed. */
  g_assert_true (settings (200, SETTINGS_4_42, &claimed, &error));
  g_assert_true (claimed);
  g_assert_true (settings (200, "{\"env\":{\"setupWizardComplete\":\"false\"}}", &claimed, &error));
  g_assert_true (claimed);
  g_assert_true (settings (200, "{\"env\":[],\"setupWizardComplete\":0}", &claimed, &error));
  g_assert_true (claimed);
  g_assert_no_error (error);
}

static void
test_settings_bad (void)
{
  const struct
  {
    guint status;
    const char *body;
  } cases[] = {
    { 200, "[]" },
    { 200, "\"setupWizardComplete\"" },
    { 200, "<html>Not Found</html>" },
    { 200, "{\"env\":{\"setupWizardComplete\":false}" }, /* cut short */
    { 200, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" },
    { 200, "" },
    { 404, "Not Found" },
    { 401, SETTINGS_4_76_UNCLAIMED }, /* only a 200 is believed */
    { 302, SETTINGS_4_76_UNCLAIMED },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean claimed;
      g_assert_false (settings (cases[i].status, cases[i].body, &claimed, &error));
      g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
    }
}

static gboolean
login (guint status, const char *body, IotSecret **token, GError **error)
{
  g_autoptr (GBytes) b = bytes (body);
  return iot_homebridge_parse_login (status, b, token, error);
}

static void
test_login (void)
{
  g_autoptr (GError) error = NULL;
  IotSecret *token = NULL;
  g_assert_true (login (201, LOGIN_201, &token, &error));
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpstr (iot_secret_get (token), ==, TOKEN);
  g_clear_pointer (&token, iot_secret_free);
  g_assert_true (login (200, LOGIN_201, &token, &error));
  g_assert_nonnull (token);
  g_clear_pointer (&token, iot_secret_free);

  /* Accepted, but no token to go on with: the caller says BAD_REPLY. */
  const char *tokenless[] = {
    "{\"token_type\":\"Bearer\",\"expires_in\":28800}",
    "{\"access_token\":\"\"}",
    "{\"access_token\":null}",
    "{\"access_token\":42}",
    "{\"access_token\":[\"x\"]}",
    "[\"access_token\"]",
    "not json",
    "",
  };
  for (guint i = 0; i < G_N_ELEMENTS (tokenless); i++)
    {
      g_assert_true (login (201, tokenless[i], &token, &error));
      g_assert_no_error (error);
      g_assert_null (token);
    }
}

/* The reply's bytes are wiped once the token is taken out. */
static void
test_login_wipes (void)
{
  char *body = g_strdup (LOGIN_201);
  gsize len = strlen (body);
  GBytes *b = g_bytes_new_static (body, len);
  IotSecret *token = NULL;
  g_assert_true (iot_homebridge_parse_login (201, b, &token, NULL));
  g_assert_nonnull (token);
  for (gsize i = 0; i < len; i++)
    g_assert_cmpint (body[i], ==, 0);
  iot_secret_free (token);
  g_bytes_unref (b);
  g_free (body);
}

/* A token longer than a secret can hold is no token (never cut). */
static void
test_login_oversized (void)
{
  g_autoptr (GString) s = g_string_new ("{\"access_token\":\"");
  for (guint i = 0; i < IOT_SECRET_MAX + 1; i++)
    g_string_append_c (s, 'A' + (char) (i % 26));
  g_string_append (s, "\"}");
  IotSecret *token = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (login (201, s->str, &token, &error));
  g_assert_no_error (error);
  g_assert_null (token);
  /* Exactly at the bound it fits. */
  g_string_truncate (s, strlen ("{\"access_token\":\"") + IOT_SECRET_MAX);
  g_string_append (s, "\"}");
  g_assert_true (login (201, s->str, &token, &error));
  g_assert_nonnull (token);
  g_assert_cmpuint (iot_secret_len (token), ==, IOT_SECRET_MAX);
  iot_secret_free (token);
}

static void
test_login_refused (void)
{
  /* 403 is what both versions answer to a wrong password (recorded); 400
   * and 401 are refusals too: FALSE without an error. */
  const guint refusals[] = { 400, 401, 403 };
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autoptr (GError) error = NULL;
      IotSecret *token = NULL;
      g_assert_false (login (refusals[i], "{\"message\":\"Forbidden\",\"statusCode\":403}", &token, &error));
      g_assert_no_error (error);
      g_assert_null (token);
      /* Even with a token in it: a refusal is a refusal. */
      g_assert_false (login (refusals[i], LOGIN_201, &token, &error));
      g_assert_null (token);
    }
  const guint errors[] = { 500, 404, 302, 204, 0 };
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autoptr (GError) error = NULL;
      IotSecret *token = NULL;
      g_assert_false (login (errors[i], LOGIN_201, &token, &error));
      g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_DEVICE);
      g_assert_null (token);
    }
}

static void
test_changed (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (iot_homebridge_parse_changed (201, &error));
  g_assert_true (iot_homebridge_parse_changed (200, &error));
  g_assert_no_error (error);
  g_assert_false (iot_homebridge_parse_changed (403, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (iot_homebridge_parse_changed (401, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_false (iot_homebridge_parse_changed (500, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_DEVICE);
  g_clear_error (&error);
  g_assert_false (iot_homebridge_parse_changed (302, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_DEVICE);
}

static IotDriverUpdate *
version (guint status, const char *body, char **app, GError **error)
{
  g_autoptr (GBytes) b = bytes (body);
  return iot_homebridge_parse_version (status, b, app, error);
}

/* Longer than the driver keeps of a field. */
#define LONG_VERSION                                                                               \
  "1.11.4-0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"

static void
test_version (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *app = NULL;
  /* Offline: updateAvailable false and no latest version is "unknown",
   * never "up to date". */
  g_autoptr (IotDriverUpdate) offline = version (200, VERSION_OFFLINE, &app, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (offline->current, ==, "1.11.4");
  g_assert_null (offline->available);
  g_assert_true (offline->unknown);
  g_assert_cmpstr (app, ==, "homebridge");

  const char *unknown[] = {
    "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":false}",
    "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":false,\"latestVersion\":\"\"}",
    "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":false,\"latestVersion\":\"1.12.0\"}",
    "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":\"false\",\"latestVersion\":\"1.12.0\"}",
    "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":true}", /* says so, but not which */
    "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":true,\"latestVersion\":7}",
    "{\"installedVersion\":\"1.11.4\"}",
    /* Not the same version, though they look the same sanitized (found by
     * the fuzzer, corpus/homebridge/version-bidi-lookalike) or cut to length. */
    "{\"installedVersion\":\"1.11\\u202a.4\",\"updateAvailable\":false,\"latestVersion\":\"1.11\\u202e.4\"}",
    "{\"installedVersion\":\"1.11.4\\u0007\",\"updateAvailable\":false,\"latestVersion\":\"1.11.4\"}",
    "{\"installedVersion\":\"" LONG_VERSION "0\",\"updateAvailable\":false,\"latestVersion\":\"" LONG_VERSION "1\"}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autoptr (IotDriverUpdate) u = version (200, unknown[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (u);
      g_assert_true (u->unknown);
      g_assert_null (u->available);
    }

  /* Online: the registry's latest version is the installed one. */
  g_autoptr (IotDriverUpdate) current
      = version (200, "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":false,\"latestVersion\":\"1.11.4\"}",
                 NULL, &error);
  g_assert_false (current->unknown);
  g_assert_null (current->available);
  g_autoptr (IotDriverUpdate) newer
      = version (200, "{\"installedVersion\":\"1.11.4\",\"updateAvailable\":true,\"latestVersion\":\"1.12.0\"}",
                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (newer->available, ==, "1.12.0");
  g_assert_false (newer->unknown);
}

static void
test_version_bad (void)
{
  const struct
  {
    guint status;
    const char *body;
    int code;
  } cases[] = {
    { 401, "{\"message\":\"Unauthorized\",\"statusCode\":401}", IOT_DRIVER_ERROR_AUTH }, /* recorded */
    { 403, VERSION_OFFLINE, IOT_DRIVER_ERROR_AUTH },
    { 500, VERSION_OFFLINE, IOT_DRIVER_ERROR_DEVICE },
    { 201, VERSION_OFFLINE, IOT_DRIVER_ERROR_DEVICE },
    { 302, "", IOT_DRIVER_ERROR_DEVICE },
    { 200, "{\"installedVersion\":null}", IOT_DRIVER_ERROR_BAD_REPLY },
    { 200, "{\"installedVersion\":\"\"}", IOT_DRIVER_ERROR_BAD_REPLY },
    { 200, "{\"installedVersion\":1.11}", IOT_DRIVER_ERROR_BAD_REPLY },
    { 200, "[\"installedVersion\",\"1.11.4\"]", IOT_DRIVER_ERROR_BAD_REPLY },
    { 200, "{\"installedVersion\":\"1.11.4\"", IOT_DRIVER_ERROR_BAD_REPLY },
    { 200, "Not Found", IOT_DRIVER_ERROR_BAD_REPLY },
    { 200, "", IOT_DRIVER_ERROR_BAD_REPLY },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      char *app = (char *) "untouched";
      g_assert_null (version (cases[i].status, cases[i].body, &app, &error));
      g_assert_error (error, IOT_DRIVER_ERROR, cases[i].code);
      g_assert_null (app);
    }
}

/* Deeper than iot_http_parse_json allows: refused before parsing, so a
 * hostile page cannot exhaust the stack. */
static void
test_deep (void)
{
  g_autoptr (GString) deep = g_string_new ("{\"installedVersion\":\"1.0\",\"x\":");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_autoptr (GError) error = NULL;
  g_assert_null (version (200, deep->str, NULL, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
  g_clear_error (&error);
  gboolean claimed;
  g_assert_false (settings (200, deep->str, &claimed, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
  IotSecret *token = NULL;
  g_assert_true (login (201, deep->str, &token, NULL));
  g_assert_null (token);
}

/* Escapes and bidi overrides in the page's strings never reach the
 * screen; over-long ones are cut. */
static void
test_hostile_strings (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *app = NULL;
  g_autoptr (IotDriverUpdate) u
      = version (200,
                 "{\"name\":\"\\u001b]0;owned\\u0007home\\u009bbridge\",\"installedVersion\":\"1.11\\u001b[2J.4\\u202e\","
                 "\"updateAvailable\":true,\"latestVersion\":\"9.9\\r\\n\\u0000.9\"}",
                 &app, &error);
  g_assert_no_error (error);
  g_assert_true (iot_sanitize_is_clean (u->current));
  g_assert_true (iot_sanitize_is_clean (u->available));
  g_assert_true (iot_sanitize_is_clean (app));
  g_assert_null (strchr (u->current, '\033'));
  g_assert_null (strstr (u->current, "\u202e"));
  g_assert_null (strchr (app, '\007'));
  g_assert_null (strchr (u->available, '\n'));

  g_autoptr (GString) long_version = g_string_new ("{\"installedVersion\":\"");
  for (guint i = 0; i < 10000; i++)
    g_string_append (long_version, "1.");
  g_string_append (long_version, "0\"}");
  g_autoptr (IotDriverUpdate) l = version (200, long_version->str, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (l->current), <=, 128);
  g_assert_true (iot_sanitize_is_clean (l->current));
}

static void
test_registry (void)
{
  const IotDriver *drv = iot_driver_lookup ("homebridge-ui");
  g_assert_true (drv == &iot_driver_homebridge_ui);
  g_assert_cmpuint (drv->port, ==, 8581);
  g_assert_nonnull (drv->identify);
  g_assert_nonnull (drv->set_password);
  g_assert_nonnull (drv->verify_password);
  g_assert_nonnull (drv->check_update);
  g_assert_null (drv->update);
  g_assert_nonnull (drv->factory_reset);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/driver-homebridge/settings", test_settings);
  g_test_add_func ("/driver-homebridge/settings-bad", test_settings_bad);
  g_test_add_func ("/driver-homebridge/login", test_login);
  g_test_add_func ("/driver-homebridge/login-wipes", test_login_wipes);
  g_test_add_func ("/driver-homebridge/login-oversized", test_login_oversized);
  g_test_add_func ("/driver-homebridge/login-refused", test_login_refused);
  g_test_add_func ("/driver-homebridge/changed", test_changed);
  g_test_add_func ("/driver-homebridge/version", test_version);
  g_test_add_func ("/driver-homebridge/version-bad", test_version_bad);
  g_test_add_func ("/driver-homebridge/deep", test_deep);
  g_test_add_func ("/driver-homebridge/hostile-strings", test_hostile_strings);
  g_test_add_func ("/driver-homebridge/registry", test_registry);
  int rc = g_test_run ();
  g_free (argv);
  return rc;
}
