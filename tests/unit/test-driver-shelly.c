/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for the Shelly Gen2 driver's handling of device answers
 * (app/core/drivers/iot-driver-shelly.h) on recorded JSON-RPC replies, the
 * SetAuth ha1, and the driver registry. The driver's operations are tested
 * against the simulated device in the lab (tests/cli/driver-shelly-lab.sh).
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/drivers/iot-driver-shelly.h"
#include "app/core/iot-sanitize.h"

#include <string.h>

/* Recorded from a Shelly Plus Plug S (firmware 1.4.4), as the lab's
 * simulator sends them. */
#define INFO_REPLY                                                                                  \
  "{\"id\":1,\"src\":\"shellyplusplugs-d4d4da7c1e2f\",\"result\":{\"name\":null,"                   \
  "\"id\":\"shellyplusplugs-d4d4da7c1e2f\",\"mac\":\"D4D4DA7C1E2F\",\"slot\":0,"                    \
  "\"model\":\"SNPL-00112EU\",\"gen\":2,\"fw_id\":\"20241011-114455/1.4.4-g6d2a586\","              \
  "\"ver\":\"1.4.4\",\"app\":\"PlusPlugS\",\"auth_en\":true,\"auth_domain\":\"shellyplusplugs-d4d4da7c1e2f\"}}"

static JsonNode *
reply (guint status, const char *body, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  return iot_shelly_parse_reply (status, bytes, error);
}

static void
test_device_info (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) result = reply (200, INFO_REPLY, &error);
  g_assert_no_error (error);
  g_autoptr (IotDriverInfo) info = iot_shelly_parse_device_info (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->id, ==, "shellyplusplugs-d4d4da7c1e2f");
  g_assert_cmpstr (info->model, ==, "SNPL-00112EU");
  g_assert_cmpstr (info->app, ==, "PlusPlugS");
  g_assert_cmpstr (info->firmware, ==, "1.4.4");
  g_assert_cmpstr (info->build, ==, "20241011-114455/1.4.4-g6d2a586");
  g_assert_true (info->auth_enabled);
}

/* A hostile device: escapes in its strings come out sanitized. */
static void
test_device_info_hostile (void)
{
  const char *body = "{\"id\":1,\"result\":{\"id\":\"evil\\u001b[2J\",\"gen\":3,\"ver\":\"1.0\\u202e\","
                     "\"app\":\"\\u001b]0;owned\\u0007\",\"auth_en\":false}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) result = reply (200, body, &error);
  g_autoptr (IotDriverInfo) info = iot_shelly_parse_device_info (result, &error);
  g_assert_no_error (error);
  g_assert_true (iot_sanitize_is_clean (info->id));
  g_assert_true (iot_sanitize_is_clean (info->firmware));
  g_assert_true (iot_sanitize_is_clean (info->app));
  g_assert_null (strchr (info->id, '\033'));
  g_assert_false (info->auth_enabled);
}

static void
test_device_info_invalid (void)
{
  const char *bodies[] = {
    "{\"id\":1,\"result\":{\"id\":\"x\",\"gen\":1,\"ver\":\"1.0\",\"auth_en\":false}}",   /* Gen1 */
    "{\"id\":1,\"result\":{\"gen\":2,\"ver\":\"1.0\",\"auth_en\":false}}",                /* no id */
    "{\"id\":1,\"result\":{\"id\":\"x\",\"gen\":\"2\",\"ver\":\"1.0\",\"auth_en\":false}}", /* gen a string */
    "{\"id\":1,\"result\":{\"id\":\"x\",\"gen\":2,\"ver\":1,\"auth_en\":false}}",         /* ver a number */
    "{\"id\":1,\"result\":{\"id\":\"x\",\"gen\":2,\"ver\":\"1.0\"}}",                     /* auth unknown */
    "{\"id\":1,\"result\":[1,2]}",
    "{\"id\":1,\"result\":null}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) result = reply (200, bodies[i], &error);
      g_assert_no_error (error);
      g_assert_null (iot_shelly_parse_device_info (result, &error));
      g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
    }
}

static void
test_reply_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (reply (401, "{\"code\":401}", &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_null (reply (200, "{\"id\":1,\"error\":{\"code\":401,\"message\":\"auth\"}}", &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_AUTH);
  g_clear_error (&error);
  g_assert_null (reply (200, "{\"id\":1,\"src\":\"x\",\"error\":{\"code\":-114,\"message\":\"offline\"}}", &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_DEVICE);
  g_clear_error (&error);
  g_assert_null (reply (200, "{\"id\":1}", &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
  g_clear_error (&error);
  g_assert_null (reply (500, "{\"id\":1,\"result\":{}}", &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
  g_clear_error (&error);
  g_assert_null (reply (200, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_JSON_TOO_DEEP);
  g_clear_error (&error);
  g_assert_null (reply (200, "<html>Not Found</html>", &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_BAD_JSON);
  g_clear_error (&error);
  g_autoptr (JsonNode) null_result = reply (200, "{\"id\":1,\"src\":\"x\",\"result\":null}", &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_NULL (null_result));
}

static void
test_update (void)
{
  g_autoptr (GError) error = NULL;
  char *available = NULL;
  g_autoptr (JsonNode) some = reply (200, "{\"id\":1,\"result\":{\"stable\":{\"version\":\"1.5.0\",\"build_id\":\"b\"},"
                                          "\"beta\":{\"version\":\"1.6.0-beta1\"}}}", &error);
  g_assert_true (iot_shelly_parse_update (some, &available, &error));
  g_assert_cmpstr (available, ==, "1.5.0");
  g_free (available);
  g_autoptr (JsonNode) none = reply (200, "{\"id\":1,\"result\":{}}", &error);
  g_assert_true (iot_shelly_parse_update (none, &available, &error));
  g_assert_null (available);
  g_autoptr (JsonNode) beta_only = reply (200, "{\"id\":1,\"result\":{\"beta\":{\"version\":\"2.0.0-beta\"}}}", &error);
  g_assert_true (iot_shelly_parse_update (beta_only, &available, &error));
  g_assert_null (available);
  g_assert_no_error (error);
  g_autoptr (JsonNode) bad = reply (200, "{\"id\":1,\"result\":{\"stable\":{\"version\":7}}}", &error);
  g_assert_false (iot_shelly_parse_update (bad, &available, &error));
  g_assert_error (error, IOT_DRIVER_ERROR, IOT_DRIVER_ERROR_BAD_REPLY);
  g_assert_null (available);
}

/* The Shelly documentation's rule: sha256 of "admin:<realm>:<password>". */
static void
test_ha1 (void)
{
  g_autoptr (IotSecret) pw = iot_secret_new_from ("Corr3ct-Horse-Battery", -1);
  g_autofree char *ha1 = iot_shelly_ha1 ("shellyplusplugs-d4d4da7c1e2f", pw);
  g_autofree char *expect = g_compute_checksum_for_string (
    G_CHECKSUM_SHA256, "admin:shellyplusplugs-d4d4da7c1e2f:Corr3ct-Horse-Battery", -1);
  g_assert_cmpstr (ha1, ==, expect);
  g_assert_cmpuint (strlen (ha1), ==, 64);
}

static void
test_registry (void)
{
  const IotDriver *drv = iot_driver_lookup ("shelly-gen2");
  g_assert_nonnull (drv);
  g_assert_true (drv == &iot_driver_shelly_gen2);
  g_assert_nonnull (drv->identify);
  g_assert_nonnull (drv->set_password);
  g_assert_nonnull (drv->verify_password);
  g_assert_nonnull (drv->check_update);
  g_assert_nonnull (drv->update);
  g_assert_nonnull (drv->factory_reset);
  g_assert_null (iot_driver_lookup ("guided"));
  g_assert_null (iot_driver_lookup (NULL));

  IotDriverVerify v = { TRUE, TRUE, TRUE };
  g_assert_true (iot_driver_verify_passed (&v));
  v.no_password_refused = FALSE;
  g_assert_false (iot_driver_verify_passed (&v));
  g_assert_false (iot_driver_verify_passed (NULL));
}

/* A device that is gone: the operation fails with an error, never a
 * success, and within its bounds. */
static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
test_identify_refused_address (void)
{
  IotHttp *http = iot_http_new ();
  g_autoptr (IotDriverDevice) dev = iot_driver_device_new (http, "203.0.113.7", 80);
  GAsyncResult *result = NULL;
  iot_driver_shelly_gen2.identify (dev, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_null (iot_driver_info_finish (result, &error));
  g_assert_error (error, IOT_HTTP_ERROR, IOT_HTTP_ERROR_NOT_LOCAL);
  g_object_unref (result);
  iot_http_free (http);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/driver-shelly/device-info", test_device_info);
  g_test_add_func ("/driver-shelly/device-info-hostile", test_device_info_hostile);
  g_test_add_func ("/driver-shelly/device-info-invalid", test_device_info_invalid);
  g_test_add_func ("/driver-shelly/reply-errors", test_reply_errors);
  g_test_add_func ("/driver-shelly/update", test_update);
  g_test_add_func ("/driver-shelly/ha1", test_ha1);
  g_test_add_func ("/driver-shelly/registry", test_registry);
  g_test_add_func ("/driver-shelly/refused-address", test_identify_refused_address);
  int rc = g_test_run ();
  g_free (argv);
  return rc;
}
