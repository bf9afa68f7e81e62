/* SPDX-License-Identifier: GPL-3.0-or-later
 * Display-width arithmetic on valid UTF-8 (callers sanitize first). Uses
 * GLib's Unicode tables rather than wcwidth(3), so layout does not depend on
 * which locales the machine has generated.
 */
#include "config.h"

#include "iot-width.h"

#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6"

int
iot_width_char (gunichar c)
{
  if (c == 0 || g_unichar_iszerowidth (c))
    return 0;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

int
iot_width (const char *s)
{
  int w = 0;
  for (const char *p = s; p && *p; p = g_utf8_next_char (p))
    w += iot_width_char (g_utf8_get_char (p));
  return w;
}

/* Returns: (transfer full): @s cut to at most @width cells, ending in "…"
 * when something was cut. */
char *
iot_width_truncate (const char *s, int width)
{
  if (width <= 0)
    return g_strdup ("");
  if (iot_width (s) <= width)
    return g_strdup (s);
  GString *out = g_string_new (NULL);
  int w = 0;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int cw = iot_width_char (c);
      if (w + cw > width - 1)
        break;
      g_string_append_unichar (out, c);
      w += cw;
    }
  g_string_append (out, ELLIPSIS);
  return g_string_free (out, FALSE);
}

/* Returns: (transfer full): @s truncated or padded with spaces to exactly
 * @width cells. */
char *
iot_width_pad (const char *s, int width)
{
  char *t = iot_width_truncate (s, width);
  int w = iot_width (t);
  if (w >= width)
    return t;
  GString *out = g_string_new (t);
  g_free (t);
  for (; w < width; w++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

/* Cuts the longest prefix of @p that fits in @width cells (at least one
 * character, so wrapping always progresses). Returns its byte length. */
static gsize
fit_prefix (const char *p, int width)
{
  int w = 0;
  const char *q = p;
  while (*q)
    {
      int cw = iot_width_char (g_utf8_get_char (q));
      if (w + cw > width && q != p)
        break;
      w += cw;
      q = g_utf8_next_char (q);
    }
  return q - p;
}

/**
 * iot_width_wrap:
 * Wraps @s to lines of at most @width cells: at spaces where possible, inside
 * a word when the word alone is wider than a line (long German compounds,
 * URLs), and between any two characters of CJK text, which has no spaces.
 * Newlines in @s start new lines; an empty paragraph, and so an empty @s, is
 * one empty line (g_strsplit() would give no paragraph at all for "", and a
 * blank line a caller asked for would vanish).
 *
 * Returns: (transfer full) (element-type utf8): the lines, at least one.
 */
GPtrArray *
iot_width_wrap (const char *s, int width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  width = MAX (width, 1);
  if (s == NULL || *s == '\0')
    {
      g_ptr_array_add (lines, g_strdup (""));
      return lines;
    }
  g_auto (GStrv) paragraphs = g_strsplit (s, "\n", -1);
  for (guint i = 0; paragraphs[i]; i++)
    {
      const char *p = paragraphs[i];
      if (*p == '\0')
        {
          g_ptr_array_add (lines, g_strdup (""));
          continue;
        }
      while (*p)
        {
          if (iot_width (p) <= width)
            {
              g_ptr_array_add (lines, g_strdup (p));
              break;
            }
          gsize cut = fit_prefix (p, width);
          /* Prefer the last break opportunity inside the cut: a space, or a
           * point after a wide (CJK) character. */
          gsize brk = 0;
          gboolean at_space = FALSE;
          for (const char *q = p; q < p + cut; q = g_utf8_next_char (q))
            {
              gunichar c = g_utf8_get_char (q);
              const char *next = g_utf8_next_char (q);
              if (c == ' ')
                brk = q - p, at_space = TRUE;
              else if (g_unichar_iswide (c) || c == '-' || c == '/')
                brk = next - p, at_space = FALSE;
            }
          if (p[cut] == ' ')
            brk = cut, at_space = TRUE;
          if (brk == 0)
            brk = cut, at_space = FALSE;
          g_ptr_array_add (lines, g_strndup (p, brk));
          p += brk;
          if (at_space)
            while (*p == ' ')
              p++;
        }
    }
  return lines;
}
