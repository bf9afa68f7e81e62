/* SPDX-License-Identifier: GPL-3.0-or-later
 * Turns hostile bytes into text that is safe to print. Invalid UTF-8 becomes
 * U+FFFD; C0 controls become their visible Unicode "control pictures" (ESC
 * shows as ␛) so a person can see that a device sent them; C1 controls, bidi
 * embeddings/overrides/isolates and other invisible format characters become
 * U+FFFD. Truncation happens on a character boundary and is marked with "…".
 */
#include "config.h"

#include "iot-sanitize.h"

#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define ELLIPSIS "\xE2\x80\xA6"    /* U+2026 */

static gboolean
is_dangerous_format_char (gunichar c)
{
  /* Bidi marks, embeddings, overrides and isolates (Trojan Source), the
   * Arabic letter mark, and line/paragraph separators that break layout. */
  return c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x2028 || c == 0x2029 || c == 0xFEFF ||
         (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE007F);
}

/* Appends the safe rendering of one character. */
static void
append_safe_char (GString *out, gunichar c)
{
  if (c < 0x20)
    g_string_append_unichar (out, 0x2400 + c); /* control pictures */
  else if (c == 0x7F)
    g_string_append_unichar (out, 0x2421);
  else if ((c >= 0x80 && c < 0xA0) || is_dangerous_format_char (c) ||
           !g_unichar_validate (c))
    g_string_append (out, REPLACEMENT);
  else
    g_string_append_unichar (out, c);
}

/**
 * iot_sanitize_text:
 * @raw: untrusted bytes, not necessarily NUL-terminated or valid UTF-8
 * @len: length of @raw, or -1 if it is NUL-terminated
 * @max_bytes: longest result wanted in bytes (0 for IOT_SANITIZE_MAX_BYTES;
 *   at least 8, room for one character and the ellipsis)
 *
 * Returns: (transfer full): valid, printable UTF-8 of at most @max_bytes bytes.
 */
char *
iot_sanitize_text (const char *raw, gssize len, gsize max_bytes)
{
  if (raw == NULL)
    return g_strdup ("");
  if (len < 0)
    len = strlen (raw);
  if (max_bytes == 0 || max_bytes > IOT_SANITIZE_MAX_BYTES)
    max_bytes = IOT_SANITIZE_MAX_BYTES;
  max_bytes = MAX (max_bytes, 8); /* room for one character and the ellipsis */

  GString *out = g_string_sized_new (MIN ((gsize) len, max_bytes) + 8);
  const char *p = raw;
  const char *end = raw + len;
  gsize keep = 0; /* longest output prefix that leaves room for the ellipsis */

  while (p < end && out->len <= max_bytes)
    {
      /* GLib reports an embedded NUL as invalid; it is a control. */
      gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, REPLACEMENT);
          p++; /* resynchronise on the next byte */
        }
      else
        {
          append_safe_char (out, c);
          p = g_utf8_next_char (p);
        }
      if (out->len <= max_bytes - strlen (ELLIPSIS))
        keep = out->len;
    }
  if (out->len > max_bytes || p < end)
    {
      g_string_truncate (out, keep);
      g_string_append (out, ELLIPSIS);
    }
  return g_string_free (out, FALSE);
}

/* TRUE when @text would come out of iot_sanitize_text() unchanged. */
gboolean
iot_sanitize_is_clean (const char *text)
{
  g_autofree char *clean = iot_sanitize_text (text, -1, 0);
  return g_strcmp0 (clean, text) == 0;
}
