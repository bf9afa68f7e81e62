/* SPDX-License-Identifier: GPL-3.0-or-later
 * The HTTP probing checks' decisions on recorded answers: WWW-Authenticate
 * headers, Shelly.GetDeviceInfo bodies (auth_en), Homebridge UI settings
 * bodies (setupWizardComplete), login outcomes, admin page status codes and
 * what the transport probe saw; and that no evidence holds a password.
 */
#include "config.h"

#include "app/core/drivers/iot-driver-shelly.h"
#include "app/core/iot-checks-http.h"
#include "app/core/iot-sanitize.h"
#include "test-util.h"

static const IotCheck g1 = { .id = "http-default-login", .guidelines = { 1 }, .etsi = { "5.1-1" } };
static const IotCheck g5 = { .id = "http-transport", .guidelines = { 5 }, .etsi = { "5.5-1" } };

static void
test_challenge (void)
{
  g_assert_cmpint (iot_http_challenge_scheme (NULL), ==, IOT_HTTP_AUTH_NONE);
  g_assert_cmpint (iot_http_challenge_scheme (""), ==, IOT_HTTP_AUTH_NONE);
  g_assert_cmpint (iot_http_challenge_scheme ("Basic realm=\"IPC\""), ==, IOT_HTTP_AUTH_BASIC);
  g_assert_cmpint (iot_http_challenge_scheme ("  basic realm=x"), ==, IOT_HTTP_AUTH_BASIC);
  /* As the Shelly simulator and real Shelly Gen2 devices send it. */
  g_assert_cmpint (iot_http_challenge_scheme ("Digest qop=\"auth\", realm=\"shellyplusplugs-d4d4da7c1e2f\", "
                                              "nonce=\"65a1\", algorithm=SHA-256"),
                   ==, IOT_HTTP_AUTH_DIGEST);
  g_assert_cmpint (iot_http_challenge_scheme ("Bearer realm=\"api\""), ==, IOT_HTTP_AUTH_NONE);
  g_assert_cmpint (iot_http_challenge_scheme ("Negotiate"), ==, IOT_HTTP_AUTH_NONE);
  /* Two challenges in one header: Digest is preferred. */
  g_assert_cmpint (iot_http_challenge_scheme ("Basic realm=\"a\", Digest realm=\"a\", nonce=\"1\""),
                   ==, IOT_HTTP_AUTH_DIGEST);
}

static IotDriverInfo *
shelly_info (const char *body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b = g_bytes_new_static (body, strlen (body));
  g_autoptr (JsonNode) result = iot_shelly_parse_reply (200, b, &error);
  g_assert_no_error (error);
  IotDriverInfo *info = iot_shelly_parse_device_info (result, &error);
  g_assert_no_error (error);
  return info;
}

#define SHELLY_INFO(auth)                                                                      \
  "{\"id\":1,\"src\":\"shellyplusplugs-d4d4da7c1e2f\",\"result\":{\"name\":null,"               \
  "\"id\":\"shellyplusplugs-d4d4da7c1e2f\",\"mac\":\"D4D4DA7C1E2F\",\"slot\":0,"                \
  "\"model\":\"SNPL-00112EU\",\"gen\":2,\"fw_id\":\"20241011-114455/1.4.4-g6d2a586\","          \
  "\"ver\":\"1.4.4\",\"app\":\"PlusPlugS\",\"auth_en\":" auth ",\"auth_domain\":null}}"

static void
test_shelly (void)
{
  const char *url = "http://198.18.0.10:80/rpc";
  g_autoptr (IotDriverInfo) off = shelly_info (SHELLY_INFO ("false"));
  g_autoptr (IotCheckResult) r = iot_check_decide_shelly_login (&g1, url, off, 0, NULL);
  g_assert_cmpint (r->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (r->evidence, "auth_en false"));
  g_assert_nonnull (strstr (r->evidence, url));

  g_autoptr (IotDriverInfo) on = shelly_info (SHELLY_INFO ("true"));
  IotHttpLogins none = { .url = url, .how = "HTTP Digest", .n_tried = 0 };
  g_clear_pointer (&r, iot_check_result_free);
  r = iot_check_decide_shelly_login (&g1, url, on, 401, &none);
  g_assert_cmpint (r->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (r->evidence, "HTTP 401"));

  /* auth_en true but the call went through: not protected. */
  g_clear_pointer (&r, iot_check_result_free);
  r = iot_check_decide_shelly_login (&g1, url, on, 200, &none);
  g_assert_cmpint (r->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (r->evidence, "HTTP 200"));

  /* A documented default that worked. */
  IotHttpLogins hit = { .url = url, .how = "HTTP Digest", .n_tried = 1, .accepted_user = "admin" };
  g_clear_pointer (&r, iot_check_result_free);
  r = iot_check_decide_shelly_login (&g1, url, on, 401, &hit);
  g_assert_cmpint (r->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (r->evidence, "“admin”"));

  IotHttpLogins miss = { .url = url, .how = "HTTP Digest", .n_tried = 2 };
  g_clear_pointer (&r, iot_check_result_free);
  r = iot_check_decide_shelly_login (&g1, url, on, 401, &miss);
  g_assert_cmpint (r->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (r->evidence, "2 documented default logins"));
}

static IotCheckResult *
homebridge (guint status, const char *body)
{
  g_autoptr (GBytes) b = g_bytes_new_static (body, strlen (body));
  return iot_check_decide_homebridge_settings (&g1, "http://198.18.0.30:8581/api/auth/settings",
                                               status, b);
}

static void
test_homebridge (void)
{
  /* UI 4.76.0 before the setup wizard ran (recorded from the lab). */
  g_autoptr (IotCheckResult) r = homebridge (
    200, "{\"env\":{\"enableAccessories\":true,\"homebridgeVersion\":\"1.11.4\"},"
         "\"formAuth\":true,\"theme\":\"orange\",\"serverTimestamp\":\"2026-01-01T00:00:00.000Z\","
         "\"setupWizardComplete\":false}");
  g_assert_nonnull (r);
  g_assert_cmpint (r->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (r->evidence, "Unclaimed"));
  g_assert_nonnull (strstr (r->evidence, "setupWizardComplete false"));
  /* The same as UI 4.76.0 really answers it in the lab: under "env". */
  g_autoptr (IotCheckResult) real = homebridge (
    200, "{\"env\":{\"canShutdownRestartHost\":true,\"dockerOfflineUpdate\":false,"
         "\"homebridgeVersion\":null,\"homebridgeInstanceName\":\"Homebridge 1E\","
         "\"packageName\":\"homebridge-config-ui-x\",\"packageVersion\":\"4.76.0\","
         "\"platform\":\"linux\",\"port\":8581,\"serviceMode\":false,"
         "\"setupWizardComplete\":false},\"formAuth\":true,\"lightingMode\":\"auto\","
         "\"theme\":\"orange\",\"menuMode\":\"default\"}");
  g_assert_nonnull (real);
  g_assert_cmpint (real->status, ==, IOT_CHECK_FAIL);
  g_assert_null (homebridge (200, "{\"env\":{\"packageVersion\":\"4.76.0\",\"setupWizardComplete\":true}}"));
  g_assert_null (homebridge (200, "{\"env\":[{\"setupWizardComplete\":false}]}"));
  /* Claimed, or 4.42.0 without the field: go on with the logins. */
  g_assert_null (homebridge (200, "{\"formAuth\":true,\"setupWizardComplete\":true}"));
  g_assert_null (homebridge (200, "{\"formAuth\":true,\"theme\":\"teal\"}"));
  /* Not a boolean, not an object, not JSON, an error status: nothing decided. */
  g_assert_null (homebridge (200, "{\"setupWizardComplete\":\"false\"}"));
  g_assert_null (homebridge (200, "{\"setupWizardComplete\":0}"));
  g_assert_null (homebridge (200, "[false]"));
  g_assert_null (homebridge (200, "setupWizardComplete:false"));
  g_assert_null (homebridge (404, "{\"setupWizardComplete\":false}"));
  g_assert_null (homebridge (200, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]"));
}

static void
test_logins (void)
{
  g_assert_null (iot_check_decide_http_logins (&g1, NULL));
  IotHttpLogins none = { .url = "http://198.18.0.30:8581/api/auth/login", .how = "x" };
  g_assert_null (iot_check_decide_http_logins (&g1, &none));

  /* Homebridge UI 4.42.0: POST /api/auth/login admin/admin → 201. */
  IotHttpLogins hb = { .url = "http://198.18.0.30:8581/api/auth/login",
                       .how = "the web page's login", .n_tried = 1, .accepted_user = "admin" };
  g_autoptr (IotCheckResult) r = iot_check_decide_http_logins (&g1, &hb);
  g_assert_cmpint (r->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (r->evidence, "user name “admin”"));
  g_assert_null (strstr (r->evidence, "admin/admin"));

  IotHttpLogins refused = { .url = "http://198.18.0.40/", .how = "HTTP Basic", .n_tried = 3 };
  g_clear_pointer (&r, iot_check_result_free);
  r = iot_check_decide_http_logins (&g1, &refused);
  g_assert_cmpint (r->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (r->evidence, "3 default logins tried"));
  g_assert_nonnull (strstr (r->evidence, "all refused"));
  g_assert_nonnull (strstr (r->evidence, "HTTP Basic"));

  /* The user name comes from the data files, but evidence is sanitized. */
  IotHttpLogins evil = { .url = "http://198.18.0.40/", .how = "HTTP Basic", .n_tried = 1,
                         .accepted_user = "ro\x1b[2Jot" };
  g_clear_pointer (&r, iot_check_result_free);
  r = iot_check_decide_http_logins (&g1, &evil);
  g_assert_true (iot_sanitize_is_clean (r->evidence));
  g_assert_null (strchr (r->evidence, '\x1b'));
}

static void
test_admin_page (void)
{
  const char *url = "https://HP9C7BEF3F19A2.local:8631/";
  g_autoptr (IotCheckResult) r = iot_check_decide_admin_page (&g1, url, 200);
  g_assert_cmpint (r->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (r->evidence, url));
  g_assert_nonnull (strstr (r->evidence, "HTTP 200"));
  g_assert_null (iot_check_decide_admin_page (&g1, url, 401));
  g_assert_null (iot_check_decide_admin_page (&g1, url, 403));
  g_assert_null (iot_check_decide_admin_page (&g1, url, 302));
  g_assert_null (iot_check_decide_admin_page (&g1, url, 0));
}

static IotCheckStatus
transport (const IotHttpTransport *t, const char *want)
{
  g_autoptr (IotCheckResult) r = iot_check_decide_http_transport (&g5, t);
  if (r == NULL)
    return IOT_CHECK_NA;
  if (want && strstr (r->evidence, want) == NULL)
    g_error ("evidence “%s” lacks “%s”", r->evidence, want);
  return r->status;
}

static void
test_transport (void)
{
  IotHttpTransport t = { 0 };
  g_assert_cmpint (transport (&t, NULL), ==, IOT_CHECK_NA); /* nothing answered */

  t.http_url = "http://198.18.0.10:80/";
  g_assert_cmpint (transport (&t, "only over plain HTTP"), ==, IOT_CHECK_WARN);
  t.login = TRUE;
  t.login_auth = IOT_HTTP_AUTH_DIGEST;
  g_assert_cmpint (transport (&t, "HTTP Digest"), ==, IOT_CHECK_WARN);
  t.login_auth = IOT_HTTP_AUTH_BASIC;
  g_assert_cmpint (transport (&t, "in clear"), ==, IOT_CHECK_FAIL);
  t.login_auth = IOT_HTTP_AUTH_NONE; /* a form or JSON login */
  g_assert_cmpint (transport (&t, "in clear"), ==, IOT_CHECK_FAIL);

  t.https_url = "https://198.18.0.15:8631/";
  t.tls_verified = FALSE;
  t.tls_problem = "self-signed certificate (X509 error 18)";
  g_assert_cmpint (transport (&t, "self-signed"), ==, IOT_CHECK_WARN);
  t.tls_verified = TRUE;
  t.tls_problem = NULL;
  g_assert_cmpint (transport (&t, "verifies"), ==, IOT_CHECK_PASS);

  /* Tasmota: credentials in the query string, whatever else it offers. */
  t.query_credentials = TRUE;
  g_assert_cmpint (transport (&t, "password=…"), ==, IOT_CHECK_FAIL);
  IotHttpTransport only_profile = { .query_credentials = TRUE };
  g_assert_cmpint (transport (&only_profile, "user=…"), ==, IOT_CHECK_FAIL);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/check-http/challenge", test_challenge);
  g_test_add_func ("/check-http/shelly", test_shelly);
  g_test_add_func ("/check-http/homebridge", test_homebridge);
  g_test_add_func ("/check-http/logins", test_logins);
  g_test_add_func ("/check-http/admin-page", test_admin_page);
  g_test_add_func ("/check-http/transport", test_transport);
  int r = g_test_run ();
  g_free (argv);
  return r;
}
