/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: the settings page address of a device (iot-device-url.c),
 * from services and TXT records a hostile device announces (an IPP
 * `adminurl`, an http `path`), and everything else read from a device for
 * the screen. The address must lead to the device's own numeric address,
 * escaped, and never to a host the record names.
 *
 * Input: discovery events in the language of fuzz_feed_registry()
 * (fuzz-common.c).
 */
#include "config.h"

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  FuzzInput in;
  fuzz_input_init (&in, data, size);
  IotRegistry *reg = iot_registry_new ();
  fuzz_feed_registry (reg, &in);
  g_autoptr (GPtrArray) devices = iot_registry_dup_devices (reg);
  for (guint i = 0; i < devices->len; i++)
    fuzz_check_device (devices->pdata[i]);
  iot_registry_free (reg);
  return 0;
}
