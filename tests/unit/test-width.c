/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-width.[ch]: terminal cell widths, truncation,
 * padding and wrapping.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-width.h"

#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6"
#define COMPOUND "Donaudampfschifffahrtsgesellschaftskapitän"

static void
test_char_width (void)
{
  g_assert_cmpint (iot_width_char ('a'), ==, 1);
  g_assert_cmpint (iot_width_char (' '), ==, 1);
  g_assert_cmpint (iot_width_char (0x00E4), ==, 1); /* ä */
  g_assert_cmpint (iot_width_char (0x65E5), ==, 2); /* 日 */
  g_assert_cmpint (iot_width_char (0xAC00), ==, 2); /* 가 */
  g_assert_cmpint (iot_width_char (0xFF21), ==, 2); /* fullwidth A */
  g_assert_cmpint (iot_width_char (0x1F4A1), ==, 2); /* 💡 */
  g_assert_cmpint (iot_width_char (0x0301), ==, 0); /* combining acute */
  g_assert_cmpint (iot_width_char (0x200B), ==, 0); /* zero width space */
  g_assert_cmpint (iot_width_char (0), ==, 0);
  g_assert_cmpint (iot_width_char (0x1B), ==, 0);
  g_assert_cmpint (iot_width_char (0x9B), ==, 0);
  g_assert_cmpint (iot_width_char (0x2026), ==, 1); /* … */
  g_assert_cmpint (iot_width_char (0x241B), ==, 1); /* ␛, as the sanitizer shows ESC */
}

static void
test_width (void)
{
  g_assert_cmpint (iot_width (""), ==, 0);
  g_assert_cmpint (iot_width (NULL), ==, 0);
  g_assert_cmpint (iot_width ("hello"), ==, 5);
  g_assert_cmpint (iot_width ("Living room lamp"), ==, 16);
  g_assert_cmpint (iot_width ("日本語"), ==, 6);
  g_assert_cmpint (iot_width ("a日b"), ==, 4);
  g_assert_cmpint (iot_width ("Größe"), ==, 5);
  g_assert_cmpint (iot_width ("e\xCC\x81"), ==, 1);           /* e + combining acute */
  g_assert_cmpint (iot_width ("a\xCC\x81\xCC\x88" "b"), ==, 2); /* two marks */
  g_assert_cmpint (iot_width ("한국어"), ==, 6);
  g_assert_cmpint (iot_width ("Lamp \xF0\x9F\x92\xA1"), ==, 7);
}

/* Asserts that @s is valid UTF-8 of at most @width cells. */
static void
assert_fits (const char *s, int width)
{
  g_assert_true (g_utf8_validate (s, -1, NULL));
  if (iot_width (s) > width)
    g_error ("\"%s\" is %d cells wide, more than %d", s, iot_width (s), width);
}

static void
test_truncate (void)
{
  g_autofree char *a = iot_width_truncate ("hello world", 20);
  g_assert_cmpstr (a, ==, "hello world");
  g_autofree char *b = iot_width_truncate ("hello world", 11);
  g_assert_cmpstr (b, ==, "hello world");
  g_autofree char *c = iot_width_truncate ("hello world", 10);
  g_assert_cmpstr (c, ==, "hello wor" ELLIPSIS);
  g_assert_cmpint (iot_width (c), ==, 10);
  g_autofree char *d = iot_width_truncate ("hello", 1);
  g_assert_cmpstr (d, ==, ELLIPSIS);
  g_autofree char *e = iot_width_truncate ("hello", 0);
  g_assert_cmpstr (e, ==, "");
  g_autofree char *f = iot_width_truncate ("hello", -3);
  g_assert_cmpstr (f, ==, "");
  g_autofree char *g = iot_width_truncate ("", 5);
  g_assert_cmpstr (g, ==, "");

  /* CJK: exact fit, and a wide character that would straddle the edge. */
  g_autofree char *h = iot_width_truncate ("日本語", 6);
  g_assert_cmpstr (h, ==, "日本語");
  g_autofree char *i = iot_width_truncate ("日本語", 5);
  g_assert_cmpstr (i, ==, "日本" ELLIPSIS);
  g_assert_cmpint (iot_width (i), ==, 5);
  g_autofree char *j = iot_width_truncate ("日本語", 4);
  g_assert_cmpstr (j, ==, "日" ELLIPSIS); /* 日本 + … would be 5 */
  g_assert_cmpint (iot_width (j), ==, 3);
  g_autofree char *k = iot_width_truncate ("日本語", 2);
  g_assert_cmpstr (k, ==, ELLIPSIS);

  /* Combining marks stay with their base character. */
  g_autofree char *l = iot_width_truncate ("e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 3);
  g_assert_cmpstr (l, ==, "e\xCC\x81" "e\xCC\x81" "e\xCC\x81");
  g_autofree char *m = iot_width_truncate ("e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2);
  g_assert_cmpstr (m, ==, "e\xCC\x81" ELLIPSIS);

  /* Never wider than asked, for every width. */
  static const char *const texts[] = {
    "Küche Licht", "日本語のデバイス名", "a日b本c語d", "Lamp \xF0\x9F\x92\xA1\xF0\x9F\x92\xA1",
    COMPOUND,      "e\xCC\x81\xE6\x97\xA5\xCC\x81x",
  };
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    for (int w = 1; w <= iot_width (texts[t]) + 2; w++)
      {
        g_autofree char *out = iot_width_truncate (texts[t], w);
        assert_fits (out, w);
        if (iot_width (texts[t]) <= w)
          g_assert_cmpstr (out, ==, texts[t]);
        else
          {
            g_assert_true (g_str_has_suffix (out, ELLIPSIS));
            /* A prefix of the text, and no shorter than needed. */
            gsize kept = strlen (out) - strlen (ELLIPSIS);
            g_assert_true (strncmp (out, texts[t], kept) == 0);
            g_assert_cmpint (iot_width (out), >=, w - 1);
          }
      }
}

static void
test_pad (void)
{
  g_autofree char *a = iot_width_pad ("abc", 6);
  g_assert_cmpstr (a, ==, "abc   ");
  g_autofree char *b = iot_width_pad ("abcdef", 6);
  g_assert_cmpstr (b, ==, "abcdef");
  g_autofree char *c = iot_width_pad ("abcdefg", 6);
  g_assert_cmpstr (c, ==, "abcde" ELLIPSIS);
  g_autofree char *d = iot_width_pad ("", 3);
  g_assert_cmpstr (d, ==, "   ");
  g_autofree char *e = iot_width_pad ("日本", 5);
  g_assert_cmpstr (e, ==, "日本 ");
  /* A wide character that does not fit leaves a cell that is padded. */
  g_autofree char *f = iot_width_pad ("日本語", 4);
  g_assert_cmpstr (f, ==, "日" ELLIPSIS " ");
  g_autofree char *g = iot_width_pad ("e\xCC\x81", 3);
  g_assert_cmpstr (g, ==, "e\xCC\x81  ");
  g_autofree char *h = iot_width_pad ("abc", 0);
  g_assert_cmpstr (h, ==, "");

  static const char *const texts[] = { "", "x", "Küche", "日本語のデバイス", "a日b本c", COMPOUND,
                                       "e\xCC\x81 \xF0\x9F\x92\xA1" };
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    for (int w = 0; w <= 50; w++)
      {
        g_autofree char *out = iot_width_pad (texts[t], w);
        g_assert_true (g_utf8_validate (out, -1, NULL));
        if (iot_width (out) != w)
          g_error ("pad (\"%s\", %d) gave \"%s\", %d cells", texts[t], w, out, iot_width (out));
      }
}

/* Wraps and checks the invariants every wrapping must keep: each line fits
 * (unless a single character is wider than the line) and no line is empty
 * inside a paragraph. */
static GPtrArray *
wrap_checked (const char *s, int width)
{
  GPtrArray *lines = iot_width_wrap (s, width);
  g_assert_nonnull (lines);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *l = lines->pdata[i];
      g_assert_true (g_utf8_validate (l, -1, NULL));
      g_assert_null (strchr (l, '\n'));
      if (iot_width (l) > width && g_utf8_strlen (l, -1) > 1)
        g_error ("wrap (\"%s\", %d): line %u \"%s\" is %d cells", s, width, i, l,
                 iot_width (l));
    }
  return lines;
}

static char *
join (GPtrArray *lines, const char *sep)
{
  g_ptr_array_add (lines, NULL);
  char *s = g_strjoinv (sep, (char **) lines->pdata);
  g_ptr_array_remove_index (lines, lines->len - 1);
  return s;
}

static void
assert_lines (GPtrArray *lines, const char *const *expected)
{
  g_autofree char *got = join (lines, "|");
  g_autofree char *want = g_strjoinv ("|", (char **) expected);
  g_assert_cmpstr (got, ==, want);
}

static void
test_wrap_words (void)
{
  g_autoptr (GPtrArray) a = wrap_checked ("the quick brown fox jumps", 10);
  assert_lines (a, (const char *const[]){ "the quick", "brown fox", "jumps", NULL });

  g_autoptr (GPtrArray) b = wrap_checked ("hello world", 5);
  assert_lines (b, (const char *const[]){ "hello", "world", NULL });

  g_autoptr (GPtrArray) c = wrap_checked ("hello world", 11);
  assert_lines (c, (const char *const[]){ "hello world", NULL });

  g_autoptr (GPtrArray) d = wrap_checked ("Gerät gefunden: Küche", 9);
  assert_lines (d, (const char *const[]){ "Gerät", "gefunden:", "Küche", NULL });

  /* Several spaces at a break are not carried to the next line. */
  g_autoptr (GPtrArray) e = wrap_checked ("one   two three", 5);
  for (guint i = 0; i < e->len; i++)
    g_assert_false (g_str_has_prefix (e->pdata[i], " "));
  g_autofree char *ej = join (e, " ");
  g_assert_nonnull (strstr (ej, "one"));
  g_assert_nonnull (strstr (ej, "two"));
  g_assert_nonnull (strstr (ej, "three"));
}

static void
test_wrap_long_word (void)
{
  /* 42 characters: broken inside, nothing lost, no line wider than 10. */
  g_assert_cmpint (iot_width (COMPOUND), ==, 42);
  g_autoptr (GPtrArray) a = wrap_checked (COMPOUND, 10);
  g_assert_cmpuint (a->len, ==, 5);
  g_autofree char *joined = join (a, "");
  g_assert_cmpstr (joined, ==, COMPOUND);
  for (guint i = 0; i + 1 < a->len; i++)
    g_assert_cmpint (iot_width (a->pdata[i]), ==, 10);

  /* After a short word, the compound still fills its lines. */
  g_autoptr (GPtrArray) b = wrap_checked ("Der " COMPOUND " kommt", 16);
  g_assert_cmpstr (b->pdata[0], ==, "Der");
  g_assert_cmpstr (b->pdata[1], ==, "Donaudampfschiff");
  g_autofree char *bj = join (b, " ");
  g_assert_cmpstr (bj, ==, "Der Donaudampfschiff fahrtsgesellscha ftskapitän kommt");

  /* A URL breaks after '/' where it can. */
  g_autoptr (GPtrArray) c = wrap_checked ("http://192.0.2.10/settings/network/wifi", 20);
  g_autofree char *cj = join (c, "");
  g_assert_cmpstr (cj, ==, "http://192.0.2.10/settings/network/wifi");
  g_assert_cmpuint (c->len, ==, 3);
  g_assert_cmpstr (c->pdata[0], ==, "http://192.0.2.10/");
  g_assert_cmpstr (c->pdata[1], ==, "settings/network/");
}

static void
test_wrap_cjk (void)
{
  const char *text = "日本語のテキストは空白なしで折り返されます";
  for (int w = 2; w <= 12; w++)
    {
      g_autoptr (GPtrArray) lines = wrap_checked (text, w);
      g_autofree char *joined = join (lines, "");
      g_assert_cmpstr (joined, ==, text);
      for (guint i = 0; i < lines->len; i++)
        {
          g_assert_cmpint (iot_width (lines->pdata[i]), <=, w);
          /* Every line but the last is as full as wide characters allow. */
          if (i + 1 < lines->len)
            g_assert_cmpint (iot_width (lines->pdata[i]), >=, w - 1);
        }
    }
  /* After a wide character is a break opportunity: a Latin word that
   * follows is not split when it fits on the next line. */
  g_autoptr (GPtrArray) k = wrap_checked ("日本abcdef", 6);
  assert_lines (k, (const char *const[]){ "日本", "abcdef", NULL });

  /* Mixed with Latin words. */
  g_autoptr (GPtrArray) m = wrap_checked ("Shelly デバイスが見つかりました ok", 9);
  for (guint i = 0; i < m->len; i++)
    g_assert_cmpint (iot_width (m->pdata[i]), <=, 9);
}

static void
test_wrap_newlines (void)
{
  g_autoptr (GPtrArray) a = wrap_checked ("first\nsecond", 20);
  assert_lines (a, (const char *const[]){ "first", "second", NULL });

  g_autoptr (GPtrArray) b = wrap_checked ("a\n\nb", 20);
  assert_lines (b, (const char *const[]){ "a", "", "b", NULL });

  g_autoptr (GPtrArray) c = wrap_checked ("one two\nthree four five", 10);
  assert_lines (c, (const char *const[]){ "one two", "three four", "five", NULL });
}

static void
test_wrap_edge (void)
{
  /* Width 1: one character per line, nothing lost. */
  g_autoptr (GPtrArray) a = wrap_checked ("abc", 1);
  assert_lines (a, (const char *const[]){ "a", "b", "c", NULL });
  g_autoptr (GPtrArray) b = wrap_checked ("ab cd", 1);
  g_autofree char *bj = join (b, "");
  g_assert_cmpstr (bj, ==, "abcd");

  /* Width 1 with wide characters still progresses, one per line. */
  g_autoptr (GPtrArray) c = wrap_checked ("日本", 1);
  assert_lines (c, (const char *const[]){ "日", "本", NULL });

  /* Width 0 or less behaves as 1. */
  g_autoptr (GPtrArray) d = wrap_checked ("ab", 0);
  assert_lines (d, (const char *const[]){ "a", "b", NULL });

  /* Empty input: one empty line, as an empty paragraph between newlines
   * is, so a blank line asked for is drawn (found by tests/fuzz/fuzz-txt). */
  g_autoptr (GPtrArray) e = iot_width_wrap ("", 10);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->len, ==, 1);
  g_assert_cmpstr (e->pdata[0], ==, "");
  g_autoptr (GPtrArray) f = iot_width_wrap (NULL, 10);
  g_assert_nonnull (f);
  g_assert_cmpuint (f->len, ==, 1);
  g_assert_cmpstr (f->pdata[0], ==, "");

  /* Text that fits comes back as it is. */
  g_autoptr (GPtrArray) g = wrap_checked ("fits exactly", 12);
  assert_lines (g, (const char *const[]){ "fits exactly", NULL });
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/width/char", test_char_width);
  g_test_add_func ("/width/string", test_width);
  g_test_add_func ("/width/truncate", test_truncate);
  g_test_add_func ("/width/pad", test_pad);
  g_test_add_func ("/width/wrap-words", test_wrap_words);
  g_test_add_func ("/width/wrap-long-word", test_wrap_long_word);
  g_test_add_func ("/width/wrap-cjk", test_wrap_cjk);
  g_test_add_func ("/width/wrap-newlines", test_wrap_newlines);
  g_test_add_func ("/width/wrap-edge", test_wrap_edge);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
