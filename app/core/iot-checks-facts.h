/* SPDX-License-Identifier: GPL-3.0-or-later
 * Checks decided from facts at hand, without probing the device: its
 * profile (disclosure policy, support period, reset steps, password kind)
 * and what it announces in its DNS-SD TXT records (firmware version, Matter
 * vendor ID, ESPHome API encryption, HomeKit protocol version, a printer's
 * admin page URL).
 */
#pragma once

#include "iot-check.h"

const IotCheck *const *iot_checks_facts (guint *n_checks);

/* The firmware version the device announces (TXT ver, version, fw_id, …),
 * sanitized; NULL when it announces none. */
char *iot_check_dup_firmware_version (const IotDevice *device);
/* @url without a user name or password in it, sanitized. */
char *iot_check_dup_url_without_userinfo (const char *url, gssize len);
