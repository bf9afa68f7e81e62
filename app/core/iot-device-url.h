/* SPDX-License-Identifier: GPL-3.0-or-later
 * The web address of a device's own settings page, as a phone on the same
 * network can open it from a QR code: an IPP printer's `adminurl`, else the
 * device's https or http service with its TXT `path`.
 */
#pragma once

#include "iot-registry.h"

/* Longest address we build; a TXT value is at most 255 bytes and escaping
 * can triple it. */
#define IOT_DEVICE_URL_MAX 1024

char *iot_device_dup_admin_url (const IotDevice *device);
