/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-sanitize.[ch]: hostile bytes in, printable
 * valid UTF-8 out.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-sanitize.h"

#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define ELLIPSIS "\xE2\x80\xA6"    /* U+2026 */
#define PIC_ESC "\xE2\x90\x9B"     /* U+241B SYMBOL FOR ESCAPE */
#define PIC_BEL "\xE2\x90\x87"     /* U+2407 SYMBOL FOR BELL */
#define PIC_NUL "\xE2\x90\x80"     /* U+2400 SYMBOL FOR NULL */
#define PIC_DEL "\xE2\x90\xA1"     /* U+2421 SYMBOL FOR DELETE */

/* Fails the test unless @s is valid UTF-8 with no C0, DEL or C1 control and
 * no bidi or other dangerous invisible format character. */
static void
assert_safe (const char *s)
{
  g_assert_nonnull (s);
  const char *end = NULL;
  if (!g_utf8_validate (s, -1, &end))
    g_error ("not valid UTF-8 at byte %" G_GSIZE_FORMAT " of \"%s\"", (gsize) (end - s), s);
  for (const char *p = s; *p; p++)
    {
      guchar b = (guchar) *p;
      if (b < 0x20 || b == 0x7F)
        g_error ("control byte 0x%02x left at %" G_GSIZE_FORMAT, b, (gsize) (p - s));
    }
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if ((c >= 0x80 && c < 0xA0) || c == 0x200E || c == 0x200F ||
          (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x061C)
        g_error ("dangerous character U+%04X left at %" G_GSIZE_FORMAT, c, (gsize) (p - s));
    }
}

/* Marks the current test failed and returns from it, without aborting the
 * program, so the remaining test cases still run and report. */
#define FAIL_AND_RETURN(...)                                                     \
  do                                                                             \
    {                                                                            \
      g_test_message (__VA_ARGS__);                                              \
      g_test_fail ();                                                            \
      return;                                                                    \
    }                                                                            \
  while (0)

static char *
sanitize (const char *raw)
{
  char *out = iot_sanitize_text (raw, -1, 0);
  assert_safe (out);
  return out;
}

static void
test_escape_sequences (void)
{
  g_autofree char *clear = sanitize ("\x1b[2J");
  g_assert_cmpstr (clear, ==, PIC_ESC "[2J");

  g_autofree char *osc = sanitize ("\x1b]0;title\x07");
  g_assert_cmpstr (osc, ==, PIC_ESC "]0;title" PIC_BEL);

  g_autofree char *mixed = sanitize ("ab\x1b[31mred\x1b[0m\r\n\tx");
  g_assert_cmpstr (mixed, ==,
                   "ab" PIC_ESC "[31mred" PIC_ESC "[0m"
                   "\xE2\x90\x8D" /* ␍ */ "\xE2\x90\x8A" /* ␊ */ "\xE2\x90\x89" /* ␉ */ "x");

  g_autofree char *del = sanitize ("a\x7f" "b");
  g_assert_cmpstr (del, ==, "a" PIC_DEL "b");

  /* Every C0 control maps to its own control picture. */
  for (guint c = 1; c < 0x20; c++)
    {
      char raw[2] = { (char) c, 0 };
      g_autofree char *out = sanitize (raw);
      char expected[8] = { 0 };
      g_unichar_to_utf8 (0x2400 + c, expected);
      g_assert_cmpstr (out, ==, expected);
    }
}

static void
test_c1_controls (void)
{
  /* C2 9B is U+009B, the 8-bit CSI: a terminal would start a sequence. */
  g_autofree char *csi = sanitize ("a\xC2\x9B" "2Jb");
  g_assert_cmpstr (csi, ==, "a" REPLACEMENT "2Jb");
  g_assert_null (strstr (csi, "\xC2\x9B"));

  /* Every C1 control in UTF-8, and as a raw byte (invalid UTF-8). */
  for (guint c = 0x80; c < 0xA0; c++)
    {
      char raw[8] = { 0 };
      g_unichar_to_utf8 (c, raw);
      g_autofree char *out = sanitize (raw);
      g_assert_cmpstr (out, ==, REPLACEMENT);

      char byte[2] = { (char) c, 0 };
      g_autofree char *out2 = sanitize (byte);
      g_assert_cmpstr (out2, ==, REPLACEMENT);
    }
  /* U+00A0 is the first character after C1 and is kept. */
  g_autofree char *nbsp = sanitize ("a\xC2\xA0" "b");
  g_assert_cmpstr (nbsp, ==, "a\xC2\xA0" "b");
}

static void
test_invalid_utf8 (void)
{
  static const struct
  {
    const char *raw;
    const char *expected;
  } cases[] = {
    { "a\xff" "b", "a" REPLACEMENT "b" },
    { "a\xfe" "b", "a" REPLACEMENT "b" },
    { "\xff\xfe", REPLACEMENT REPLACEMENT },
    /* truncated two-, three- and four-byte sequences, at the end and inside */
    { "ab\xC3", "ab" REPLACEMENT },
    { "ab\xE6\x97", "ab" REPLACEMENT REPLACEMENT },
    { "ab\xF0\x9F\x98", "ab" REPLACEMENT REPLACEMENT REPLACEMENT },
    { "a\xE6\x97" "b", "a" REPLACEMENT REPLACEMENT "b" },
    /* lone continuation byte */
    { "a\x80" "b", "a" REPLACEMENT "b" },
    /* overlong encodings of '/' and NUL */
    { "\xC0\xAF", REPLACEMENT REPLACEMENT },
    { "\xE0\x80\xAF", REPLACEMENT REPLACEMENT REPLACEMENT },
    { "\xC0\x80", REPLACEMENT REPLACEMENT },
    /* UTF-16 surrogate encoded in UTF-8 */
    { "\xED\xA0\x80", REPLACEMENT REPLACEMENT REPLACEMENT },
    /* beyond U+10FFFF */
    { "\xF4\x90\x80\x80", REPLACEMENT REPLACEMENT REPLACEMENT REPLACEMENT },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = sanitize (cases[i].raw);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

static void
test_bidi (void)
{
  static const gunichar dangerous[] = {
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F,
  };
  for (guint i = 0; i < G_N_ELEMENTS (dangerous); i++)
    {
      char ch[8] = { 0 };
      g_unichar_to_utf8 (dangerous[i], ch);
      g_autofree char *raw = g_strconcat ("admin", ch, "txt.exe", NULL);
      g_autofree char *out = sanitize (raw);
      g_assert_null (strstr (out, ch));
      /* Replaced or removed, never anything else. */
      g_assert_true (g_str_equal (out, "admin" REPLACEMENT "txt.exe") ||
                     g_str_equal (out, "admintxt.exe"));
    }
  /* Trojan Source: RLO ... LRI ... PDI ... PDF */
  g_autofree char *trojan =
      sanitize ("if (a) {\xE2\x80\xAE } \xE2\x81\xA6 // check\xE2\x81\xA9 \xE2\x80\xAC{");
  g_assert_null (strstr (trojan, "\xE2\x80\xAE"));
  g_assert_null (strstr (trojan, "\xE2\x81\xA6"));
  g_assert_null (strstr (trojan, "\xE2\x81\xA9"));
  g_assert_null (strstr (trojan, "\xE2\x80\xAC"));
  g_assert_true (g_str_has_prefix (trojan, "if (a) {"));
}

static void
test_normal_text_unchanged (void)
{
  static const char *const texts[] = {
    "Living room lamp",
    "Küche – Größe Übersicht ßäöü ÄÖÜ",
    "日本語のデバイス",
    "客厅灯 한국어",
    "Lamp \xF0\x9F\x92\xA1 \xF0\x9F\x8F\xA0", /* 💡 🏠 */
    "Fam\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9", /* ZWJ sequence */
    "e\xCC\x81 combining",
    "Shelly Plus 1PM [a8:03:2a:bc:de:f0] 100% {json} \"quoted\" \\ ~",
    "",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *out = sanitize (texts[i]);
      g_assert_cmpstr (out, ==, texts[i]);
      g_assert_true (iot_sanitize_is_clean (texts[i]));
    }
  g_assert_false (iot_sanitize_is_clean ("a\x1b[2J"));
  g_assert_false (iot_sanitize_is_clean ("a\xff"));
  g_assert_false (iot_sanitize_is_clean ("a\xE2\x80\xAE" "b"));
}

/* Builds a string of @n copies of @unit. */
static char *
repeat (const char *unit, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static void
assert_truncated (const char *raw, gssize len, gsize max_bytes)
{
  g_autofree char *out = iot_sanitize_text (raw, len, max_bytes);
  assert_safe (out);
  g_assert_cmpuint (strlen (out), <=, max_bytes);
  g_assert_true (g_str_has_suffix (out, ELLIPSIS));
  /* What comes before the ellipsis is a prefix of the untruncated result. */
  g_autofree char *full = iot_sanitize_text (raw, len, G_MAXSIZE);
  gsize kept = strlen (out) - strlen (ELLIPSIS);
  g_assert_cmpuint (kept, <, strlen (full));
  g_assert_true (strncmp (out, full, kept) == 0);
}

static void
test_truncation (void)
{
  /* ASCII: cut with an ellipsis, within the bound. */
  g_autofree char *ascii = iot_sanitize_text ("abcdefghijklmnopqrstuvwxyz", -1, 16);
  g_assert_cmpstr (ascii, ==, "abcdefghijklm" ELLIPSIS);
  assert_truncated ("abcdefghijklmnopqrstuvwxyz", -1, 16);

  /* Multi-byte characters are never split, for every bound. */
  g_autofree char *cjk = repeat ("日本語", 40);
  g_autofree char *emoji = repeat ("\xF0\x9F\x92\xA1", 40);
  g_autofree char *umlaut = repeat ("äöü", 40);
  g_autofree char *esc = repeat ("\x1b[2J", 40);
  for (gsize max = 8; max <= 64; max++)
    {
      assert_truncated (cjk, -1, max);
      assert_truncated (emoji, -1, max);
      assert_truncated (umlaut, -1, max);
      assert_truncated (esc, -1, max);
    }

  /* Default bound. */
  g_autofree char *huge = repeat ("x", 5000);
  g_autofree char *out = iot_sanitize_text (huge, -1, 0);
  g_assert_cmpuint (strlen (out), <=, IOT_SANITIZE_MAX_BYTES);
  g_assert_true (g_str_has_suffix (out, ELLIPSIS));
  g_autofree char *out2 = iot_sanitize_text (huge, -1, 100000);
  g_assert_cmpuint (strlen (out2), <=, IOT_SANITIZE_MAX_BYTES);
}

/* The last character of the input can be the one that overflows the bound:
 * the result must still fit. */
static void
test_truncation_last_char (void)
{
  for (gsize max = 8; max <= 40; max++)
    for (gsize prefix = 0; prefix <= max; prefix++)
      {
        g_autofree char *a = repeat ("a", prefix);
        g_autofree char *raw4 = g_strconcat (a, "\xF0\x9F\x92\xA1", NULL); /* 💡 */
        g_autofree char *raw3 = g_strconcat (a, "\x1b", NULL);
        g_autofree char *raw2 = g_strconcat (a, "ä", NULL);
        const char *raws[] = { raw4, raw3, raw2 };
        for (guint i = 0; i < G_N_ELEMENTS (raws); i++)
          {
            g_autofree char *out = iot_sanitize_text (raws[i], -1, max);
            assert_safe (out);
            if (strlen (out) > max)
              FAIL_AND_RETURN ("\"%s\" with max_bytes %" G_GSIZE_FORMAT ": %" G_GSIZE_FORMAT
                               " bytes \"%s\"",
                               raws[i], max, strlen (out), out);
          }
      }
}

/* Text whose sanitized form fits in max_bytes comes out whole: no ellipsis,
 * and never longer than it would have been. */
static void
test_truncation_fits (void)
{
  g_autofree char *fits = iot_sanitize_text ("0123456789abcdef", -1, 16);
  if (!g_str_equal (fits, "0123456789abcdef"))
    FAIL_AND_RETURN ("16 bytes with max_bytes 16 came out as \"%s\"", fits);
  g_autofree char *fits15 = iot_sanitize_text ("0123456789abcde", -1, 16);
  if (!g_str_equal (fits15, "0123456789abcde"))
    FAIL_AND_RETURN ("15 bytes with max_bytes 16 came out as \"%s\"", fits15);

  static const char *const units[] = { "a", "\xC3\xA4", "\xE6\x97\xA5", "\x1b" };
  for (gsize max = 8; max <= 40; max++)
    for (guint u = 0; u < G_N_ELEMENTS (units); u++)
      for (guint n = 0; n <= max; n++)
        {
          g_autofree char *raw = repeat (units[u], n);
          g_autofree char *full = iot_sanitize_text (raw, -1, G_MAXSIZE);
          if (strlen (full) > max)
            continue;
          g_autofree char *out = iot_sanitize_text (raw, -1, max);
          if (!g_str_equal (out, full))
            FAIL_AND_RETURN ("%u × \"%s\" sanitizes to %" G_GSIZE_FORMAT
                             " bytes, within max_bytes %" G_GSIZE_FORMAT
                             ", but came out as \"%s\"",
                             n, full, strlen (full), max, out);
        }
}

static void
test_length (void)
{
  /* -1 stops at the first NUL. */
  g_autofree char *a = iot_sanitize_text ("abc\0def", -1, 0);
  g_assert_cmpstr (a, ==, "abc");

  /* An explicit length goes past an embedded NUL, which becomes visible. */
  g_autofree char *b = iot_sanitize_text ("abc\0def", 7, 0);
  assert_safe (b);
  g_assert_true (g_str_equal (b, "abc" REPLACEMENT "def") ||
                 g_str_equal (b, "abc" PIC_NUL "def"));

  /* An explicit length shorter than the string stops there. */
  g_autofree char *c = iot_sanitize_text ("abcdef", 3, 0);
  g_assert_cmpstr (c, ==, "abc");

  /* ... and does not read a multi-byte character beyond it. */
  g_autofree char *d = iot_sanitize_text ("ab\xC3\xA4", 3, 0);
  g_assert_cmpstr (d, ==, "ab" REPLACEMENT);

  g_autofree char *e = iot_sanitize_text ("abc", 0, 0);
  g_assert_cmpstr (e, ==, "");

  /* Not NUL-terminated at len. */
  char buf[4] = { 'x', 'y', 'z', 'w' };
  g_autofree char *f = iot_sanitize_text (buf, 3, 0);
  g_assert_cmpstr (f, ==, "xyz");
}

static void
test_null (void)
{
  g_autofree char *a = iot_sanitize_text (NULL, -1, 0);
  g_assert_cmpstr (a, ==, "");
  g_autofree char *b = iot_sanitize_text (NULL, 10, 0);
  g_assert_cmpstr (b, ==, "");
}

static void
test_random (void)
{
  for (guint round = 0; round < 2000; round++)
    {
      /* Some short strings, some long enough to be truncated. */
      gsize len = round % 10 == 0 ? (gsize) g_test_rand_int_range (300, 1500)
                                  : (gsize) g_test_rand_int_range (0, 64);
      guint8 *raw = g_malloc (len + 1);
      for (gsize i = 0; i < len; i++)
        {
          /* Bias towards interesting bytes: controls, ESC, C1 lead byte and
           * UTF-8 lead and continuation bytes. */
          switch (g_test_rand_int_range (0, 4))
            {
            case 0:
              raw[i] = (guint8) g_test_rand_int_range (0, 0x20);
              break;
            case 1:
              raw[i] = (guint8) g_test_rand_int_range (0x80, 0x100);
              break;
            case 2:
              raw[i] = (guint8) g_test_rand_int_range (0, 0x100);
              break;
            default:
              raw[i] = (guint8) g_test_rand_int_range (0x20, 0x7F);
              break;
            }
        }
      raw[len] = 0;
      gsize max = round % 3 == 0 ? (gsize) g_test_rand_int_range (8, 200) : 0;
      g_autofree char *out = iot_sanitize_text ((const char *) raw, len, max);
      assert_safe (out);
      g_free (raw);
      if (strlen (out) > (max ? max : IOT_SANITIZE_MAX_BYTES))
        FAIL_AND_RETURN ("round %u: %" G_GSIZE_FORMAT " bytes with max_bytes %" G_GSIZE_FORMAT,
                         round, strlen (out), max);
      if (!iot_sanitize_is_clean (out))
        FAIL_AND_RETURN ("round %u: sanitized output is not clean: \"%s\"", round, out);
    }
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/sanitize/escape-sequences", test_escape_sequences);
  g_test_add_func ("/sanitize/c1-controls", test_c1_controls);
  g_test_add_func ("/sanitize/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/sanitize/bidi", test_bidi);
  g_test_add_func ("/sanitize/normal-text", test_normal_text_unchanged);
  g_test_add_func ("/sanitize/truncation", test_truncation);
  g_test_add_func ("/sanitize/truncation-fits", test_truncation_fits);
  g_test_add_func ("/sanitize/truncation-last-char", test_truncation_last_char);
  g_test_add_func ("/sanitize/length", test_length);
  g_test_add_func ("/sanitize/null", test_null);
  g_test_add_func ("/sanitize/random", test_random);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
