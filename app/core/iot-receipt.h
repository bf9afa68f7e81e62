/* SPDX-License-Identifier: GPL-3.0-or-later
 * The kiosk's receipt: a printable plain-text summary of a customer session
 * (per device: the 13 guideline results, what is left to do at home, where
 * to report vulnerabilities, the support period) with a QR code to guidance
 * in the customer's language. It never holds a secret. Receipts and staff
 * reports go into a spool directory atomically, or to a command on stdin.
 */
#pragma once

#include <gio/gio.h>

#include "iot-report.h"

typedef struct _IotReceipt IotReceipt;

IotReceipt *iot_receipt_new (const char *shop_name, GDateTime *date);
void iot_receipt_free (IotReceipt *receipt);
void iot_receipt_add_device (IotReceipt *receipt, const IotDevice *device,
                             const IotProfile *profile, const IotGuidelines *guidelines,
                             const IotReport *report);
guint iot_receipt_get_n_devices (const IotReceipt *receipt);
char *iot_receipt_to_text (const IotReceipt *receipt, const char *guidance_url);

gboolean iot_spool_write (const char *dir, const char *kind, const char *text, char **path,
                          GError **error);
void iot_receipt_send_async (const char *text, const char *const *argv, guint timeout_ms,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean iot_receipt_send_finish (GAsyncResult *result, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotReceipt, iot_receipt_free)
