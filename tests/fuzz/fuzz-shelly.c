/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: what the Shelly driver makes of a device's HTTP answer
 * (iot-driver-shelly.h) and the depth-checked JSON parser under it
 * (iot_http_parse_json). Whatever the bytes, it must end in a result or an
 * error (never both, never neither), and every string kept must be clean
 * for display.
 *
 * Input: one byte picks the HTTP status (200, 401, 500 or 302), the rest is
 * the body.
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/drivers/iot-driver-shelly.h"

static void
check_info (const IotDriverInfo *info)
{
  if (info->id == NULL || info->firmware == NULL)
    fuzz_fail ("device info without id or version", NULL);
  fuzz_check_display_text (info->id, 1024, "id");
  fuzz_check_display_text (info->firmware, 1024, "ver");
  if (info->model != NULL)
    fuzz_check_display_text (info->model, 1024, "model");
  if (info->app != NULL)
    fuzz_check_display_text (info->app, 1024, "app");
  if (info->build != NULL)
    fuzz_check_display_text (info->build, 1024, "fw_id");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const guint statuses[] = { 200, 401, 500, 302 };
  fuzz_init ();
  if (size == 0)
    return 0;
  guint status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  g_autoptr (GBytes) body = g_bytes_new (data + 1, size - 1);

  /* The JSON helper alone. */
  g_autoptr (GError) jerror = NULL;
  g_autoptr (JsonNode) any = iot_http_parse_json (body, &jerror);
  if ((any == NULL) == (jerror == NULL))
    fuzz_fail ("parse_json: result and error disagree", NULL);

  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) result = iot_shelly_parse_reply (status, body, &error);
  if ((result == NULL) == (error == NULL))
    fuzz_fail ("parse_reply: result and error disagree", NULL);
  if (result == NULL)
    return 0;
  if (status == 401)
    fuzz_fail ("a 401 gave a result", NULL);

  g_autoptr (GError) ierror = NULL;
  g_autoptr (IotDriverInfo) info = iot_shelly_parse_device_info (result, &ierror);
  if ((info == NULL) == (ierror == NULL))
    fuzz_fail ("parse_device_info: result and error disagree", NULL);
  if (info != NULL)
    check_info (info);

  g_autoptr (GError) uerror = NULL;
  g_autofree char *available = NULL;
  gboolean ok = iot_shelly_parse_update (result, &available, &uerror);
  if (ok == (uerror != NULL) || (!ok && available != NULL))
    fuzz_fail ("parse_update: result and error disagree", NULL);
  if (available != NULL)
    fuzz_check_display_text (available, 1024, "available version");
  return 0;
}
