/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: TXT records as a device sends them, through parsing
 * (iot_txt_add_item), sanitizing of keys and values (iot_sanitize_text) and
 * laying the sanitized text out on screen (iot_width_wrap, _truncate, _pad).
 *
 * Input: a byte choosing the wrap width (1-100 cells), a byte choosing the
 * sanitizer's byte limit, then TXT RDATA in its wire format (a length byte,
 * then that many bytes, repeated).
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/iot-sanitize.h"

#include <string.h>

/* The byte limits callers use, and the edges of the "at least 8" rule. */
static const gsize limits[] = { 0, 1, 7, 8, 9, 12, 64, 128, 256, 2000 };

static gsize
effective_limit (gsize max)
{
  if (max == 0 || max > IOT_SANITIZE_MAX_BYTES)
    max = IOT_SANITIZE_MAX_BYTES;
  return MAX (max, 8);
}

static void
check_sanitized (const char *raw, gssize len, gsize max, int width, const char *what)
{
  g_autofree char *clean = iot_sanitize_text (raw, len, max);
  fuzz_check_display_text (clean, effective_limit (max), what);
  fuzz_check_wrap (clean, width);
}

static gboolean
key_is_valid (const char *key)
{
  if (*key == '\0')
    return FALSE;
  for (const char *p = key; *p; p++)
    if (*p < 0x20 || *p > 0x7E || *p == '=')
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  FuzzInput in;
  fuzz_input_init (&in, data, size);
  int width = 1 + fuzz_take_u8 (&in) % 100;
  gsize max = limits[fuzz_take_u8 (&in) % G_N_ELEMENTS (limits)];
  gsize len;
  const guint8 *rdata = fuzz_take_bytes (&in, size, &len);

  /* The whole record as one untrusted string, with its NULs, and as a C
   * string up to the first one. */
  check_sanitized ((const char *)rdata, (gssize)len, max, width, "sanitized bytes");
  g_autofree char *cstr = g_strndup ((const char *)rdata, len);
  check_sanitized (cstr, -1, max, width, "sanitized C string");

  guint n_items;
  g_autoptr (IotTxt) txt = fuzz_txt_from_rdata (rdata, len, &n_items);
  guint n = iot_txt_get_n_entries (txt);
  if (n > IOT_TXT_MAX_ENTRIES)
    fuzz_fail ("more TXT entries than the bound", NULL);
  if (n + iot_txt_get_n_dropped (txt) != n_items)
    fuzz_fail ("TXT items neither kept nor counted as dropped", NULL);

  for (guint i = 0; i < n; i++)
    {
      const IotTxtEntry *e = iot_txt_get_entry (txt, i);
      if (!key_is_valid (e->key))
        fuzz_fail ("TXT key kept that RFC 6763 forbids", e->key);
      /* First key wins, whatever the case of a later one. */
      g_autofree char *upper = g_ascii_strup (e->key, -1);
      if (iot_txt_lookup (txt, e->key) != e || iot_txt_lookup (txt, upper) != e)
        fuzz_fail ("TXT key not unique", e->key);
      check_sanitized (e->key, -1, max, width, "sanitized key");

      g_autofree char *value = iot_txt_dup_value (txt, e->key);
      fuzz_check_display_text (value, IOT_SANITIZE_MAX_BYTES, "iot_txt_dup_value");
      if (e->value != NULL)
        {
          gsize vlen;
          const char *v = g_bytes_get_data (e->value, &vlen);
          if (strlen (e->key) + 1 + vlen > IOT_TXT_MAX_ITEM)
            fuzz_fail ("TXT item longer than the bound", e->key);
          check_sanitized (v, (gssize)vlen, max, width, "sanitized value");
        }
      else if (*value != '\0')
        fuzz_fail ("boolean TXT attribute with a value", e->key);
    }

  g_autoptr (IotTxt) copy = iot_txt_copy (txt);
  if (!iot_txt_equal (txt, copy) || iot_txt_get_n_dropped (copy) != iot_txt_get_n_dropped (txt))
    fuzz_fail ("a TXT copy differs", NULL);
  return 0;
}
