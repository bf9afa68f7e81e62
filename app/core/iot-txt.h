/* SPDX-License-Identifier: GPL-3.0-or-later
 * DNS-SD TXT records (RFC 6763 §6): parsing untrusted key/value strings into a
 * bounded, ordered list with case-insensitive lookup where the first key wins.
 */
#pragma once

#include <glib.h>

/* Bounds on what we keep from one hostile TXT record set. */
#define IOT_TXT_MAX_ENTRIES 128
#define IOT_TXT_MAX_ITEM 255

typedef struct
{
  char *key;     /* printable ASCII, no '=', never empty */
  GBytes *value; /* raw bytes; NULL for a boolean attribute ("key" alone) */
} IotTxtEntry;

typedef struct _IotTxt IotTxt;

IotTxt *iot_txt_new (void);
void iot_txt_free (IotTxt *txt);
IotTxt *iot_txt_copy (const IotTxt *txt);
gboolean iot_txt_add_item (IotTxt *txt, const guint8 *data, gsize len);
guint iot_txt_get_n_entries (const IotTxt *txt);
const IotTxtEntry *iot_txt_get_entry (const IotTxt *txt, guint i);
const IotTxtEntry *iot_txt_lookup (const IotTxt *txt, const char *key);
char *iot_txt_dup_value (const IotTxt *txt, const char *key);
guint iot_txt_get_n_dropped (const IotTxt *txt);
gboolean iot_txt_equal (const IotTxt *a, const IotTxt *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotTxt, iot_txt_free)
