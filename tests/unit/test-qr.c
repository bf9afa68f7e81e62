/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-qr.[ch]: symbol sizes, the choice of error
 * correction for the space, the errors, the quiet zone, every rendering
 * read back module by module, and renderings decoded by a real QR reader
 * (zbarimg) where it is installed.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-qr.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define FULL_BLOCK "\u2588"
#define UPPER_HALF "\u2580"
#define LOWER_HALF "\u2584"

/* 40 bytes. In byte mode (ISO/IEC 18004 table 7) that is version 3 at
 * levels L (53 bytes) and M (42), version 4 at Q (46) and version 5 at H
 * (44): 29, 29, 33 and 37 modules. */
#define TEXT_40 "http://192.0.2.10:8080/settings/abcdefgh"

static IotQr *
qr_ok (const char *text, int max_modules)
{
  g_autoptr (GError) error = NULL;
  IotQr *qr = iot_qr_new (text, max_modules, &error);
  g_assert_no_error (error);
  g_assert_nonnull (qr);
  return qr;
}

static void
test_sizes (void)
{
  g_autoptr (IotQr) tiny = qr_ok ("hello", 0);
  g_assert_cmpint (iot_qr_get_version (tiny), ==, 1);
  g_assert_cmpint (iot_qr_get_size (tiny), ==, 21);
  g_assert_cmpint (iot_qr_get_ec_level (tiny), ==, IOT_QR_EC_H);

  g_assert_cmpint (strlen (TEXT_40), ==, 40);
  g_autoptr (IotQr) forty = qr_ok (TEXT_40, 0);
  g_assert_cmpint (iot_qr_get_ec_level (forty), ==, IOT_QR_EC_H);
  g_assert_cmpint (iot_qr_get_version (forty), ==, 5);
  g_assert_cmpint (iot_qr_get_size (forty), ==, 37);

  /* Size is 17 + 4 × version for every version. */
  for (int len = 1; len <= IOT_QR_MAX_INPUT; len = len * 3 + 1)
    {
      g_autofree char *text = g_strnfill (len, 'a');
      g_autoptr (IotQr) qr = qr_ok (text, 0);
      int v = iot_qr_get_version (qr);
      g_assert_cmpint (v, >=, 1);
      g_assert_cmpint (v, <=, 40);
      g_assert_cmpint (iot_qr_get_size (qr), ==, 17 + 4 * v);
    }

  /* The longest text we take still encodes, at a weaker level: a version
   * 40 symbol holds 1273 bytes at H and 1663 at Q, 2331 at M. */
  g_autofree char *longest = g_strnfill (IOT_QR_MAX_INPUT, 'x');
  g_autoptr (IotQr) big = qr_ok (longest, 0);
  g_assert_cmpint (iot_qr_get_ec_level (big), ==, IOT_QR_EC_M);
  g_assert_cmpint (iot_qr_get_size (big), <=, 177);
}

static void
test_ec_choice (void)
{
  static const struct
  {
    int max;
    IotQrEcLevel level;
    int size;
  } cases[] = {
    { 0, IOT_QR_EC_H, 37 },   { 177, IOT_QR_EC_H, 37 }, { 37, IOT_QR_EC_H, 37 },
    { 36, IOT_QR_EC_Q, 33 },  { 33, IOT_QR_EC_Q, 33 },  { 32, IOT_QR_EC_M, 29 },
    { 29, IOT_QR_EC_M, 29 }, /* L is no smaller than M here, so M wins */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (IotQr) qr = qr_ok (TEXT_40, cases[i].max);
      if (iot_qr_get_ec_level (qr) != cases[i].level || iot_qr_get_size (qr) != cases[i].size)
        g_error ("max %d: level %d size %d, expected level %d size %d", cases[i].max,
                 iot_qr_get_ec_level (qr), iot_qr_get_size (qr), cases[i].level, cases[i].size);
    }

  /* For every room, the symbol fits it, and no stronger level would have. */
  for (int max = 21; max <= 60; max++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (IotQr) qr = iot_qr_new (TEXT_40, max, &error);
      if (max < 29)
        {
          g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_BIG);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (iot_qr_get_size (qr), <=, max);
      int stronger_size[] = { 29, 29, 33, 37 }; /* by level, from the table */
      for (int l = iot_qr_get_ec_level (qr) + 1; l <= IOT_QR_EC_H; l++)
        g_assert_cmpint (stronger_size[l], >, max);
    }
}

static void
test_too_big (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotQr) qr = iot_qr_new (TEXT_40, 28, &error);
  g_assert_null (qr);
  g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_BIG);
  /* The message names the smallest size that would do. */
  g_assert_nonnull (strstr (error->message, "29x29"));
  g_assert_nonnull (strstr (error->message, "28x28"));
  g_assert_cmpint (iot_qr_min_modules (TEXT_40, NULL), ==, 29);
  g_assert_cmpint (iot_qr_min_modules ("hello", NULL), ==, 21);

  g_clear_error (&error);
  g_autoptr (IotQr) none = iot_qr_new ("hello", 20, &error);
  g_assert_null (none);
  g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_BIG);
}

static void
test_bad_input (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (iot_qr_new ("", 0, &error));
  g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_EMPTY);
  g_clear_error (&error);

  g_autofree char *too_long = g_strnfill (IOT_QR_MAX_INPUT + 1, 'x');
  g_assert_null (iot_qr_new (too_long, 0, &error));
  g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_LONG);
  g_clear_error (&error);
  g_assert_cmpint (iot_qr_min_modules (too_long, &error), ==, 0);
  g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_LONG);
  g_clear_error (&error);

  g_assert_null (iot_qr_new ("caf\xE9", 0, &error)); /* Latin-1, not UTF-8 */
  g_assert_error (error, IOT_QR_ERROR, IOT_QR_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_cells (void)
{
  /* 80×24 in half blocks: 72 across, 48 - 8 down. */
  g_assert_cmpint (iot_qr_max_modules (IOT_QR_CELLS_HALFBLOCKS, 80, 24, 4), ==, 40);
  g_assert_cmpint (iot_qr_max_modules (IOT_QR_CELLS_TWO_CHARS, 80, 24, 4), ==, 16);
  g_assert_cmpint (iot_qr_max_modules (IOT_QR_CELLS_TWO_CHARS, 200, 60, 4), ==, 52);
  g_assert_cmpint (iot_qr_max_modules (IOT_QR_CELLS_HALFBLOCKS, 20, 8, 4), ==, 8);
  g_assert_cmpint (iot_qr_max_modules (IOT_QR_CELLS_HALFBLOCKS, 5, 3, 4), ==, 0);

  int cols, rows;
  iot_qr_cells_needed (IOT_QR_CELLS_HALFBLOCKS, 21, 4, &cols, &rows);
  g_assert_cmpint (cols, ==, 29);
  g_assert_cmpint (rows, ==, 15);
  iot_qr_cells_needed (IOT_QR_CELLS_TWO_CHARS, 21, 4, &cols, &rows);
  g_assert_cmpint (cols, ==, 58);
  g_assert_cmpint (rows, ==, 29);

  /* What is needed is enough, and one cell less is not. */
  for (int cells = IOT_QR_CELLS_HALFBLOCKS; cells <= IOT_QR_CELLS_TWO_CHARS; cells++)
    for (int m = 21; m <= 177; m += 4)
      {
        iot_qr_cells_needed (cells, m, 4, &cols, &rows);
        g_assert_cmpint (iot_qr_max_modules (cells, cols, rows, 4), >=, m);
        g_assert_cmpint (iot_qr_max_modules (cells, cols - 1, rows, 4), <, m);
        g_assert_cmpint (iot_qr_max_modules (cells, cols, rows - 1, 4), <, m);
      }
}

/* Reads a half-block rendering back into modules: lines[y/2] char x. */
static gboolean
halfblock_module (GPtrArray *lines, int x, int y)
{
  const char *p = lines->pdata[y / 2];
  for (int i = 0; i < x; i++)
    p = g_utf8_next_char (p);
  gunichar c = g_utf8_get_char (p);
  switch (c)
    {
    case ' ':
      return FALSE;
    case 0x2588:
      return TRUE;
    case 0x2580:
      return y % 2 == 0;
    case 0x2584:
      return y % 2 == 1;
    default:
      g_error ("unexpected character U+%04X in a half-block rendering", c);
    }
}

static void
test_quiet_zone (void)
{
  g_autoptr (IotQr) qr = qr_ok (TEXT_40, 0);
  int n = iot_qr_get_size (qr), q = IOT_QR_QUIET_ZONE;

  /* Outside the symbol is light; the finder patterns' corners are dark. */
  for (int i = -q; i < n + q; i++)
    {
      g_assert_false (iot_qr_module (qr, i, -1));
      g_assert_false (iot_qr_module (qr, i, n));
      g_assert_false (iot_qr_module (qr, -1, i));
      g_assert_false (iot_qr_module (qr, n, i));
    }
  g_assert_true (iot_qr_module (qr, 0, 0));
  g_assert_true (iot_qr_module (qr, n - 1, 0));
  g_assert_true (iot_qr_module (qr, 0, n - 1));

  g_autoptr (GPtrArray) hb = iot_qr_render_halfblocks (qr, q);
  g_assert_cmpuint (hb->len, ==, (n + 2 * q + 1) / 2);
  for (guint i = 0; i < hb->len; i++)
    g_assert_cmpint (g_utf8_strlen (hb->pdata[i], -1), ==, n + 2 * q);
  /* Two full rows of light cells above and below, four cells either side. */
  for (int y = -q; y < n + q; y++)
    for (int x = -q; x < n + q; x++)
      {
        gboolean dark = halfblock_module (hb, x + q, y + q);
        if (dark != iot_qr_module (qr, x, y))
          g_error ("half blocks differ from the matrix at (%d, %d)", x, y);
      }
  g_autofree char *top = g_strnfill (n + 2 * q, ' ');
  g_assert_cmpstr (hb->pdata[0], ==, top);
  g_assert_cmpstr (hb->pdata[1], ==, top);
  g_assert_cmpstr (hb->pdata[hb->len - 1], ==, top);
  g_assert_cmpstr (hb->pdata[hb->len - 2], ==, top);
  g_assert_true (g_str_has_prefix (hb->pdata[2], "    " FULL_BLOCK));

  /* Without a quiet zone the symbol starts in the first cell. */
  g_autoptr (GPtrArray) bare = iot_qr_render_halfblocks (qr, 0);
  g_assert_cmpuint (bare->len, ==, (n + 1) / 2);
  g_assert_true (g_str_has_prefix (bare->pdata[0], FULL_BLOCK));
  /* An odd number of rows: the last line's lower halves are light. */
  for (const char *p = bare->pdata[bare->len - 1]; *p; p = g_utf8_next_char (p))
    g_assert_true (g_utf8_get_char (p) == ' ' || g_utf8_get_char (p) == 0x2580);

  g_autoptr (GPtrArray) ascii = iot_qr_render_ascii (qr, q);
  g_assert_cmpuint (ascii->len, ==, n + 2 * q);
  g_autofree char *blank = g_strnfill (2 * (n + 2 * q), ' ');
  for (int y = -q; y < n + q; y++)
    {
      const char *line = ascii->pdata[y + q];
      g_assert_cmpint (strlen (line), ==, 2 * (n + 2 * q));
      if (y < 0 || y >= n)
        g_assert_cmpstr (line, ==, blank);
      for (int x = -q; x < n + q; x++)
        {
          const char *cell = line + 2 * (x + q);
          g_assert_true (strncmp (cell, "##", 2) == 0 || strncmp (cell, "  ", 2) == 0);
          g_assert_cmpint (cell[0] == '#', ==, iot_qr_module (qr, x, y));
        }
    }
  g_assert_true (g_str_has_prefix (ascii->pdata[q], "        ##############  "));
}

static void
test_svg (void)
{
  g_autoptr (IotQr) qr = qr_ok ("https://192.0.2.7/", 0);
  int n = iot_qr_get_size (qr), side = n + 8;
  g_autofree char *svg = iot_qr_to_svg (qr, 4);
  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_true (g_str_has_suffix (svg, "</svg>\n"));
  g_autofree char *view = g_strdup_printf ("viewBox=\"0 0 %d %d\"", side, side);
  g_assert_nonnull (strstr (svg, view));

  /* Paint the black rects and compare with the matrix. */
  g_autofree guint8 *painted = g_new0 (guint8, side * side);
  for (const char *p = strstr (svg, "fill=\"#ffffff\"/>"); (p = strstr (p, "<rect x=\""));)
    {
      int x, y, w, h;
      g_assert_cmpint (sscanf (p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", &x, &y,
                               &w, &h),
                       ==, 4);
      g_assert_cmpint (h, ==, 1);
      g_assert_true (x >= 4 && y >= 4 && x + w <= n + 4 && y < n + 4);
      for (int i = 0; i < w; i++)
        painted[y * side + x + i]++;
      p++;
    }
  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      g_assert_cmpint (painted[y * side + x], ==, iot_qr_module (qr, x - 4, y - 4));
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
test_png (void)
{
  g_autoptr (IotQr) qr = qr_ok ("https://192.0.2.7/", 0);
  int n = iot_qr_get_size (qr), scale = 3, side = (n + 8) * scale;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = iot_qr_to_png (qr, 4, scale, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *d = g_bytes_get_data (png, &len);
  g_assert_cmpmem (d, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpmem (d + 12, 4, "IHDR", 4);
  g_assert_cmpuint (be32 (d + 16), ==, side);
  g_assert_cmpuint (be32 (d + 20), ==, side);
  g_assert_cmpint (d[24], ==, 1); /* bit depth */
  g_assert_cmpint (d[25], ==, 0); /* greyscale */

  /* Unpack IDAT and compare every pixel with its module. */
  gsize pos = 8;
  g_autoptr (GByteArray) z = g_byte_array_new ();
  gboolean end = FALSE;
  while (pos + 12 <= len)
    {
      guint32 clen = be32 (d + pos);
      g_assert_cmpuint (pos + 12 + clen, <=, len);
      if (memcmp (d + pos + 4, "IDAT", 4) == 0)
        g_byte_array_append (z, d + pos + 8, clen);
      end = memcmp (d + pos + 4, "IEND", 4) == 0;
      pos += 12 + clen;
    }
  g_assert_true (end);
  g_assert_cmpuint (pos, ==, len);
  g_autoptr (GZlibDecompressor) dz = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  gsize stride = 1 + (side + 7) / 8;
  g_autofree guint8 *raw = g_malloc (stride * side + 1);
  gsize read, written;
  GConverterResult r = g_converter_convert (G_CONVERTER (dz), z->data, z->len, raw,
                                            stride * side + 1, G_CONVERTER_INPUT_AT_END, &read,
                                            &written, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r, ==, G_CONVERTER_FINISHED);
  g_assert_cmpuint (written, ==, stride * side);
  for (int py = 0; py < side; py++)
    {
      g_assert_cmpint (raw[py * stride], ==, 0);
      for (int px = 0; px < side; px++)
        {
          gboolean white = raw[py * stride + 1 + px / 8] & (0x80 >> (px % 8));
          g_assert_cmpint (!white, ==, iot_qr_module (qr, px / scale - 4, py / scale - 4));
        }
    }
}

static gboolean
zbar_nodbus (void)
{
  static int known = -1;
  if (known < 0)
    {
      g_autofree char *help = NULL, *err = NULL;
      const char *argv[] = { "zbarimg", "--help", NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &help, &err,
                    NULL, NULL);
      known = (help && strstr (help, "--nodbus")) || (err && strstr (err, "--nodbus"));
    }
  return known;
}

/* Writes @lines (half blocks) as a PBM, 4 pixels per module and 8 modules
 * of white border beyond the rendering's own quiet zone, and runs zbarimg on
 * it. Returns: (transfer full): what zbarimg read, without its newline. */
static char *
decode_halfblocks (GPtrArray *lines, const char *dir)
{
  const int px = 4, border = 8;
  int w = g_utf8_strlen (lines->pdata[0], -1), h = 2 * lines->len;
  int pw = (w + 2 * border) * px, ph = (h + 2 * border) * px;
  g_autoptr (GString) pbm = g_string_new (NULL);
  g_string_append_printf (pbm, "P1\n%d %d\n", pw, ph);
  for (int y = 0; y < ph; y++)
    {
      int my = y / px - border;
      for (int x = 0; x < pw; x++)
        {
          int mx = x / px - border;
          gboolean dark = mx >= 0 && mx < w && my >= 0 && my < h &&
                          halfblock_module (lines, mx, my);
          g_string_append_c (pbm, dark ? '1' : '0');
        }
      g_string_append_c (pbm, '\n');
    }
  g_autofree char *path = g_build_filename (dir, "qr.pbm", NULL);
  g_assert_true (g_file_set_contents (path, pbm->str, pbm->len, NULL));
  /* --nodbus: zbar 0.23.9x would also announce the result on the system bus. */
  const char *argv[] = { "zbarimg", "--raw", "-q", path, zbar_nodbus () ? "--nodbus" : NULL, NULL };
  g_autofree char *out = NULL;
  int status;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    return g_strdup ("(zbarimg found no code)");
  if (g_str_has_suffix (out, "\n"))
    out[strlen (out) - 1] = '\0';
  return g_steal_pointer (&out);
}

static void
test_decode (void)
{
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  if (zbarimg == NULL)
    {
      g_test_skip ("zbarimg (package zbar-tools) is not installed");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("test-qr-XXXXXX", NULL);
  g_assert_nonnull (dir);
  static const char *const texts[] = {
    "http://192.0.2.10/",
    "https://192.0.2.10:8443/admin/index.html?lang=en&view=security#top",
    "WIFI:T:WPA;S:my\\;net;P:pa\\:ss\\\"word;;",
    "Київ: налаштування пристрою",
    "プリンターの設定ページ",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    for (int tight = 0; tight <= 1; tight++) /* the strongest level, then the smallest symbol */
      {
        g_autoptr (IotQr) qr = qr_ok (texts[i], tight ? iot_qr_min_modules (texts[i], NULL) : 0);
        g_autoptr (GPtrArray) lines = iot_qr_render_halfblocks (qr, IOT_QR_QUIET_ZONE);
        g_autofree char *got = decode_halfblocks (lines, dir);
        if (g_strcmp0 (got, texts[i]) != 0)
          g_error ("decoded \"%s\", expected \"%s\" (level %d)", got, texts[i],
                   iot_qr_get_ec_level (qr));
      }
  g_autofree char *pbm = g_build_filename (dir, "qr.pbm", NULL);
  g_remove (pbm);
  g_rmdir (dir);
}

static void
test_wifi_text (void)
{
  g_autofree char *e = iot_wifi_qr_escape ("a\\b;c,d:e\"f");
  g_assert_cmpstr (e, ==, "a\\\\b\\;c\\,d\\:e\\\"f");
  g_autofree char *plain = iot_wifi_qr_escape ("Home 5G");
  g_assert_cmpstr (plain, ==, "Home 5G");

  char *t = iot_wifi_qr_text ("WPA", "My;Net", "p:a,s\\s\"", FALSE);
  g_assert_cmpstr (t, ==, "WIFI:T:WPA;S:My\\;Net;P:p\\:a\\,s\\\\s\\\";;");
  iot_str_wipe_free (t);
  t = iot_wifi_qr_text ("SAE", "Hidden", "secret", TRUE);
  g_assert_cmpstr (t, ==, "WIFI:T:SAE;S:Hidden;P:secret;H:true;;");
  iot_str_wipe_free (t);
  t = iot_wifi_qr_text ("nopass", "Cafe", "ignored", FALSE);
  g_assert_cmpstr (t, ==, "WIFI:T:nopass;S:Cafe;;");
  iot_str_wipe_free (t);
  t = iot_wifi_qr_text ("WEP", "Old", "abcde", FALSE);
  g_assert_cmpstr (t, ==, "WIFI:T:WEP;S:Old;P:abcde;;");
  iot_str_wipe_free (t);
  iot_str_wipe_free (NULL);
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/qr/sizes", test_sizes);
  g_test_add_func ("/qr/ec-choice", test_ec_choice);
  g_test_add_func ("/qr/too-big", test_too_big);
  g_test_add_func ("/qr/bad-input", test_bad_input);
  g_test_add_func ("/qr/cells", test_cells);
  g_test_add_func ("/qr/quiet-zone", test_quiet_zone);
  g_test_add_func ("/qr/svg", test_svg);
  g_test_add_func ("/qr/png", test_png);
  g_test_add_func ("/qr/decode", test_decode);
  g_test_add_func ("/qr/wifi-text", test_wifi_text);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
