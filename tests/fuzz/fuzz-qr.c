/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fuzz target: the QR code path (iot_qr_new and every rendering). Text that
 * cannot be encoded is refused with the right error; a code that fits has
 * the size asked for, and the half-block, ASCII, SVG and PNG renderings all
 * show exactly its modules (the SVG is painted and the PNG decoded back).
 *
 * Input: a byte for the space available (0: no limit, else up to 199
 * modules), a byte for the quiet zone (0-8) and the PNG scale (1-4), two
 * bytes for a terminal size (iot_qr_max_modules), then the text.
 */
#include "config.h"

#include "fuzz-common.h"

#include "app/core/iot-qr.h"
#include "app/core/iot-width.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

static void
check_halfblocks (const IotQr *qr, int quiet)
{
  int n = iot_qr_get_size (qr), side = n + 2 * quiet;
  g_autoptr (GPtrArray) lines = iot_qr_render_halfblocks (qr, quiet);
  if ((int)lines->len != (side + 1) / 2)
    fuzz_fail ("half blocks: wrong number of lines", NULL);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *p = lines->pdata[i];
      if (iot_width (p) != side || g_utf8_strlen (p, -1) != side)
        fuzz_fail ("half blocks: a line of the wrong width", p);
      for (int x = -quiet; x < n + quiet; x++, p = g_utf8_next_char (p))
        {
          int y = -quiet + 2 * (int)i;
          static const gunichar glyphs[4] = { ' ', 0x2580, 0x2584, 0x2588 };
          if (g_utf8_get_char (p)
              != glyphs[iot_qr_module (qr, x, y) | iot_qr_module (qr, x, y + 1) << 1])
            fuzz_fail ("half blocks: a cell shows the wrong modules", NULL);
        }
    }
}

static void
check_ascii (const IotQr *qr, int quiet)
{
  int n = iot_qr_get_size (qr), side = n + 2 * quiet;
  g_autoptr (GPtrArray) lines = iot_qr_render_ascii (qr, quiet);
  if ((int)lines->len != side)
    fuzz_fail ("ASCII: wrong number of lines", NULL);
  for (int y = -quiet; y < n + quiet; y++)
    {
      const char *line = lines->pdata[y + quiet];
      if ((int)strlen (line) != 2 * side)
        fuzz_fail ("ASCII: a line of the wrong width", line);
      for (int x = -quiet; x < n + quiet; x++)
        if (strncmp (line + 2 * (x + quiet), iot_qr_module (qr, x, y) ? "##" : "  ", 2) != 0)
          fuzz_fail ("ASCII: a cell shows the wrong module", line);
    }
}

/* Paints the SVG's black rects and compares them with the modules. */
static void
check_svg (const IotQr *qr, int quiet)
{
  int n = iot_qr_get_size (qr), side = n + 2 * quiet;
  g_autofree char *svg = iot_qr_to_svg (qr, quiet);
  if (!g_str_has_prefix (svg, "<?xml") || !g_str_has_suffix (svg, "</svg>\n"))
    fuzz_fail ("SVG: not a whole document", NULL);
  g_autofree char *view = g_strdup_printf ("viewBox=\"0 0 %d %d\"", side, side);
  if (strstr (svg, view) == NULL)
    fuzz_fail ("SVG: wrong view box", NULL);
  g_autofree guint8 *dark = g_malloc0 ((gsize)side * side);
  /* One pass over the document: strstr() and sscanf() measure the whole
   * rest of their input each time, which is quadratic on a big symbol. */
  gsize svg_len = strlen (svg);
  for (gsize pos = 0; pos + 6 <= svg_len; pos++)
    {
      const char *p = svg + pos;
      if (*p != '<' || memcmp (p, "<rect ", 6) != 0)
        continue;
      int x, y, w, h;
      char fill[8], element[160];
      gsize len = MIN (svg_len - pos, sizeof element - 1);
      memcpy (element, p, len);
      element[len] = '\0';
      if (sscanf (element, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#%6s\"", &x,
                  &y, &w, &h, fill)
          != 5)
        fuzz_fail ("SVG: a malformed rect", NULL);
      if (strcmp (fill, "000000") != 0)
        continue;
      if (x < 0 || y < 0 || w < 1 || h != 1 || x + w > side || y >= side)
        fuzz_fail ("SVG: a rect outside the symbol", NULL);
      for (int i = x; i < x + w; i++)
        dark[y * side + i] = 1;
    }
  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      if (dark[y * side + x] != iot_qr_module (qr, x - quiet, y - quiet))
        fuzz_fail ("SVG: a module painted wrong", NULL);
}

/* CRC-32 (ISO-HDLC) as PNG uses it, written here apart from the core's. */
static guint32
crc32_of (const guint8 *p, gsize len)
{
  static guint32 table[256];
  if (table[1] == 0)
    for (guint32 i = 0; i < 256; i++)
      {
        guint32 c = i;
        for (int k = 0; k < 8; k++)
          c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
      }
  guint32 crc = 0xFFFFFFFFu;
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* Reads the PNG back: chunk layout and CRCs, the header, and every pixel
 * of the inflated scanlines against the modules. */
static void
check_png (const IotQr *qr, int quiet, int scale)
{
  int n = iot_qr_get_size (qr);
  guint32 side = (guint32)(n + 2 * quiet) * (guint32)scale;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = iot_qr_to_png (qr, quiet, scale, &error);
  if (png == NULL)
    fuzz_fail ("PNG: not made", error->message);
  gsize len;
  const guint8 *p = g_bytes_get_data (png, &len);
  if (len < 8 + 25 + 12 || memcmp (p, "\x89PNG\r\n\x1a\n", 8) != 0)
    fuzz_fail ("PNG: no signature", NULL);
  g_autoptr (GByteArray) idat = g_byte_array_new ();
  gboolean end = FALSE;
  for (gsize pos = 8; pos < len;)
    {
      if (end || len - pos < 12 || be32 (p + pos) > len - pos - 12)
        fuzz_fail ("PNG: broken chunk layout", NULL);
      guint32 clen = be32 (p + pos);
      const guint8 *type = p + pos + 4, *body = p + pos + 8;
      guint32 crc = crc32_of (type, clen + 4);
      if (crc != be32 (body + clen))
        fuzz_fail ("PNG: bad CRC", NULL);
      if (memcmp (type, "IHDR", 4) == 0
          && (clen != 13 || be32 (body) != side || be32 (body + 4) != side || body[8] != 1
              || body[9] != 0))
        fuzz_fail ("PNG: wrong header", NULL);
      if (memcmp (type, "IDAT", 4) == 0)
        g_byte_array_append (idat, body, clen);
      end = memcmp (type, "IEND", 4) == 0;
      pos += 12 + clen;
    }
  if (!end)
    fuzz_fail ("PNG: no IEND", NULL);

  gsize stride = 1 + (side + 7) / 8;
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autofree guint8 *raw = g_malloc (stride * side + 1);
  gsize in_read = 0, out_written = 0;
  GConverterResult r
      = g_converter_convert (G_CONVERTER (z), idat->data, idat->len, raw, stride * side + 1,
                             G_CONVERTER_INPUT_AT_END, &in_read, &out_written, &error);
  if (r != G_CONVERTER_FINISHED || out_written != stride * side)
    fuzz_fail ("PNG: IDAT does not inflate to the image", error ? error->message : NULL);
  for (guint32 py = 0; py < side; py++)
    {
      const guint8 *row = raw + py * stride;
      if (row[0] != 0)
        fuzz_fail ("PNG: unexpected filter", NULL);
      for (guint32 px = 0; px < side; px++)
        {
          gboolean white = (row[1 + px / 8] >> (7 - px % 8)) & 1;
          gboolean dark = iot_qr_module (qr, (int)(px / scale) - quiet, (int)(py / scale) - quiet);
          if (white == dark)
            fuzz_fail ("PNG: a pixel of the wrong colour", NULL);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  FuzzInput in;
  fuzz_input_init (&in, data, size);
  guint8 b = fuzz_take_u8 (&in);
  int max_modules = b == 0 ? 0 : b % 200;
  b = fuzz_take_u8 (&in);
  int quiet = b % 9, scale = 1 + (b >> 4) % 4;
  int cols = fuzz_take_u8 (&in), rows = fuzz_take_u8 (&in) % 100;
  gsize len;
  const guint8 *bytes = fuzz_take_bytes (&in, size, &len);
  g_autofree char *text = g_strndup ((const char *)bytes, len);
  gsize tlen = strlen (text);

  /* Terminal arithmetic: what max_modules says fits does fit. */
  for (int cells = IOT_QR_CELLS_HALFBLOCKS; cells <= IOT_QR_CELLS_TWO_CHARS; cells++)
    {
      int m = iot_qr_max_modules (cells, cols, rows, quiet), c, r;
      if (m > 0)
        {
          iot_qr_cells_needed (cells, m, quiet, &c, &r);
          if (c > cols || r > rows)
            fuzz_fail ("iot_qr_max_modules gave a size that does not fit", NULL);
        }
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (IotQr) qr = iot_qr_new (text, max_modules, &error);
  int expected = tlen == 0                           ? IOT_QR_ERROR_EMPTY
                 : tlen > IOT_QR_MAX_INPUT           ? IOT_QR_ERROR_TOO_LONG
                 : !g_utf8_validate (text, -1, NULL) ? IOT_QR_ERROR_INVALID
                                                     : -1;
  if (qr == NULL)
    {
      if (error == NULL || error->domain != IOT_QR_ERROR)
        fuzz_fail ("QR refused without an IotQrError", NULL);
      if (expected == -1 && (max_modules <= 0 || error->code != IOT_QR_ERROR_TOO_BIG))
        fuzz_fail ("encodable text refused", error->message);
      if (expected != -1 && error->code != expected)
        fuzz_fail ("QR refused for the wrong reason", error->message);
      if (!g_utf8_validate (error->message, -1, NULL))
        fuzz_fail ("QR error message is not UTF-8", NULL);
      return 0;
    }
  if (expected != -1)
    fuzz_fail ("QR accepted text it must refuse", text);
  int n = iot_qr_get_size (qr), version = iot_qr_get_version (qr);
  if (version < 1 || version > 40 || n != 17 + 4 * version)
    fuzz_fail ("QR symbol of an impossible size", NULL);
  if (max_modules > 0 && n > max_modules)
    fuzz_fail ("QR symbol larger than the space", NULL);
  if ((int)iot_qr_get_ec_level (qr) < IOT_QR_EC_L || iot_qr_get_ec_level (qr) > IOT_QR_EC_H)
    fuzz_fail ("QR level out of range", NULL);
  int min = iot_qr_min_modules (text, NULL);
  if (min < 21 || min > n)
    fuzz_fail ("iot_qr_min_modules larger than a symbol that was made", NULL);

  check_halfblocks (qr, quiet);
  check_ascii (qr, quiet);
  check_svg (qr, quiet);
  check_png (qr, quiet, scale);
  return 0;
}
