/* SPDX-License-Identifier: GPL-3.0-or-later
 * QR matrix and renderings. The error-correction level is chosen for the
 * space: the strongest level whose smallest symbol fits wins, because a
 * phone camera reading a terminal sees moiré, glare and cursor blocks, and
 * every spare module is better spent on redundancy than left empty.
 */
#include "config.h"

#include "iot-qr.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <qrencode.h>
#include <string.h>

G_DEFINE_QUARK (iot-qr-error-quark, iot_qr_error)

struct _IotQr
{
  QRcode *code;
  IotQrEcLevel level;
};

/* Refuses what we never encode: nothing, too much, or bytes that are not
 * text. The matrix is built from the bytes as they are, so a reader gets
 * exactly the UTF-8 we were given. */
static gboolean
check_text (const char *text, GError **error)
{
  gsize len = strlen (text);
  if (len == 0)
    {
      g_set_error_literal (error, IOT_QR_ERROR, IOT_QR_ERROR_EMPTY,
                           _("There is no text to put in a QR code."));
      return FALSE;
    }
  if (len > IOT_QR_MAX_INPUT)
    {
      g_set_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_LONG,
                   _("The text is too long for a QR code: the limit is %d bytes."),
                   IOT_QR_MAX_INPUT);
      return FALSE;
    }
  if (!g_utf8_validate (text, len, NULL))
    {
      g_set_error_literal (error, IOT_QR_ERROR, IOT_QR_ERROR_INVALID,
                           _("The text for the QR code is not valid UTF-8."));
      return FALSE;
    }
  return TRUE;
}

/* The smallest symbol holding @text at @level, in 8-bit mode: QR's other
 * modes (numeric, alphanumeric, kanji) would upper-case or reinterpret the
 * bytes, and a URL's path or a Wi-Fi password is case sensitive. With
 * @too_big set, a text beyond even version 40 at this level is not an error
 * but %NULL and *@too_big = TRUE, so a weaker level can be tried. */
static QRcode *
encode (const char *text, IotQrEcLevel level, gboolean *too_big, GError **error)
{
  errno = 0;
  QRcode *code = QRcode_encodeData ((int) strlen (text), (const unsigned char *) text, 0,
                                    (QRecLevel) level);
  if (code == NULL && errno == ERANGE && too_big)
    *too_big = TRUE;
  else if (code == NULL)
    g_set_error (error, IOT_QR_ERROR, IOT_QR_ERROR_FAILED,
                 _("The QR code could not be made: %s"), g_strerror (errno ? errno : EINVAL));
  return code;
}

/**
 * iot_qr_new:
 * @text: UTF-8, at most %IOT_QR_MAX_INPUT bytes
 * @max_modules: the widest symbol that fits, in modules, without the quiet
 *   zone (see iot_qr_max_modules()); 0 or less for no limit
 *
 * Encodes @text with the highest error-correction level (H, Q, M, L) whose
 * symbol is at most @max_modules wide. Fails with %IOT_QR_ERROR_TOO_BIG,
 * naming the smallest size needed, when not even level L fits.
 *
 * Returns: (transfer full): the matrix, or %NULL with @error set.
 */
IotQr *
iot_qr_new (const char *text, int max_modules, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  if (!check_text (text, error))
    return NULL;
  int smallest = 0;
  for (int level = IOT_QR_EC_H; level >= IOT_QR_EC_L; level--)
    {
      gboolean beyond_40 = FALSE;
      QRcode *code = encode (text, level, level > IOT_QR_EC_L ? &beyond_40 : NULL, error);
      if (beyond_40)
        continue;
      if (code == NULL)
        return NULL;
      if (max_modules <= 0 || code->width <= max_modules)
        {
          IotQr *qr = g_new0 (IotQr, 1);
          qr->code = code;
          qr->level = level;
          return qr;
        }
      smallest = code->width;
      QRcode_free (code);
    }
  g_set_error (error, IOT_QR_ERROR, IOT_QR_ERROR_TOO_BIG,
               _("The QR code does not fit: it needs at least %dx%d modules plus its margin, "
                 "and there is room for %dx%d."),
               smallest, smallest, max_modules, max_modules);
  return NULL;
}

void
iot_qr_free (IotQr *qr)
{
  if (qr == NULL)
    return;
  /* The matrix may hold a password (the hand-over screen): wipe it. */
  explicit_bzero (qr->code->data, (gsize) qr->code->width * (gsize) qr->code->width);
  QRcode_free (qr->code);
  g_free (qr);
}

/* Returns: the side of the symbol in modules, without the quiet zone. */
int
iot_qr_get_size (const IotQr *qr)
{
  g_return_val_if_fail (qr != NULL, 0);
  return qr->code->width;
}

int
iot_qr_get_version (const IotQr *qr)
{
  g_return_val_if_fail (qr != NULL, 0);
  return qr->code->version;
}

IotQrEcLevel
iot_qr_get_ec_level (const IotQr *qr)
{
  g_return_val_if_fail (qr != NULL, IOT_QR_EC_L);
  return qr->level;
}

/* Returns: TRUE for a dark module. Outside the symbol is the quiet zone,
 * which is light, so renderers can walk from -quiet to size + quiet. */
gboolean
iot_qr_module (const IotQr *qr, int x, int y)
{
  g_return_val_if_fail (qr != NULL, FALSE);
  int n = qr->code->width;
  if (x < 0 || y < 0 || x >= n || y >= n)
    return FALSE;
  return qr->code->data[y * n + x] & 1;
}

/**
 * iot_qr_min_modules:
 *
 * Returns: the side of the smallest symbol that holds @text (level L), for
 * telling someone how much room a code needs; 0 with @error set when @text
 * cannot be encoded at all.
 */
int
iot_qr_min_modules (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, 0);
  if (!check_text (text, error))
    return 0;
  QRcode *code = encode (text, IOT_QR_EC_L, NULL, error);
  if (code == NULL)
    return 0;
  int n = code->width;
  QRcode_free (code);
  return n;
}

/* Returns: the widest symbol (modules, without the quiet zone) that fits in
 * @cols × @rows character cells laid out as @cells with @quiet modules of
 * quiet zone on every side; 0 when nothing fits. */
int
iot_qr_max_modules (IotQrCells cells, int cols, int rows, int quiet)
{
  int w, h;
  if (cells == IOT_QR_CELLS_HALFBLOCKS)
    w = cols - 2 * quiet, h = 2 * rows - 2 * quiet;
  else
    w = cols / 2 - 2 * quiet, h = rows - 2 * quiet;
  return MAX (0, MIN (w, h));
}

/* The character cells a symbol of @modules takes with its quiet zone. */
void
iot_qr_cells_needed (IotQrCells cells, int modules, int quiet, int *cols, int *rows)
{
  int n = modules + 2 * quiet;
  if (cells == IOT_QR_CELLS_HALFBLOCKS)
    *cols = n, *rows = (n + 1) / 2;
  else
    *cols = 2 * n, *rows = n;
}

/**
 * iot_qr_render_halfblocks:
 * @quiet: modules of quiet zone on every side (%IOT_QR_QUIET_ZONE)
 *
 * One character cell per module across and two modules per cell down: the
 * upper half block ▀ is a dark module over a light one, ▄ the reverse, █ two
 * dark and a space two light. A glyph is a dark module, so the lines read
 * right in black on white, which is how the TUI and the CLI draw them.
 * Cells are about twice as high as wide, so the modules come out square.
 *
 * Returns: (transfer full) (element-type utf8): the lines, quiet zone
 * included, every one (size + 2 × @quiet) cells wide.
 */
GPtrArray *
iot_qr_render_halfblocks (const IotQr *qr, int quiet)
{
  g_return_val_if_fail (qr != NULL && quiet >= 0, NULL);
  static const char *const glyphs[4] = { " ", "\u2580", "\u2584", "\u2588" };
  int n = qr->code->width;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  for (int y = -quiet; y < n + quiet; y += 2)
    {
      GString *line = g_string_sized_new (3 * (n + 2 * quiet));
      for (int x = -quiet; x < n + quiet; x++)
        g_string_append (line,
                         glyphs[iot_qr_module (qr, x, y) | iot_qr_module (qr, x, y + 1) << 1]);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  return lines;
}

/**
 * iot_qr_render_ascii:
 *
 * Two characters per module, one line per module row, in plain ASCII: "##"
 * for a dark module and two spaces for a light one. For a locale that is not
 * UTF-8 or a terminal without colour. Printed as it is, it assumes dark text
 * on a light background; the TUI instead draws each module as a coloured or
 * reverse-video pair of cells (app/ui/ui-qr.c).
 *
 * Returns: (transfer full) (element-type utf8): the lines, quiet zone included.
 */
GPtrArray *
iot_qr_render_ascii (const IotQr *qr, int quiet)
{
  g_return_val_if_fail (qr != NULL && quiet >= 0, NULL);
  int n = qr->code->width;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  for (int y = -quiet; y < n + quiet; y++)
    {
      GString *line = g_string_sized_new (2 * (n + 2 * quiet));
      for (int x = -quiet; x < n + quiet; x++)
        g_string_append (line, iot_qr_module (qr, x, y) ? "##" : "  ");
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  return lines;
}

/**
 * iot_qr_to_svg:
 *
 * A standalone SVG: a white square with the quiet zone, and one black
 * <rect> per horizontal run of dark modules (runs keep the file small and
 * leave no hairline gaps between neighbours when scaled).
 *
 * Returns: (transfer full): the document.
 */
char *
iot_qr_to_svg (const IotQr *qr, int quiet)
{
  g_return_val_if_fail (qr != NULL && quiet >= 0, NULL);
  int n = qr->code->width, side = n + 2 * quiet;
  GString *svg = g_string_new (NULL);
  g_string_append_printf (svg,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
                          "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                          "shape-rendering=\"crispEdges\">\n"
                          "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
                          side * 8, side * 8, side, side, side, side);
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n;)
      {
        if (!iot_qr_module (qr, x, y))
          {
            x++;
            continue;
          }
        int start = x;
        while (x < n && iot_qr_module (qr, x, y))
          x++;
        g_string_append_printf (svg,
                                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"1\" "
                                "fill=\"#000000\"/>\n",
                                start + quiet, y + quiet, x - start);
      }
  g_string_append (svg, "</svg>\n");
  return g_string_free (svg, FALSE);
}

/* CRC-32 as PNG (and zlib) define it, bit by bit: a PNG of a QR code has a
 * few kilobytes of chunks, so a table buys nothing. */
static guint32
crc32_update (guint32 crc, const guint8 *data, gsize len)
{
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
  return ~crc;
}

static void
put_be32 (GByteArray *out, guint32 v)
{
  const guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (out, b, 4);
}

static void
png_chunk (GByteArray *out, const char type[4], const guint8 *data, gsize len)
{
  put_be32 (out, (guint32) len);
  gsize start = out->len;
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len)
    g_byte_array_append (out, data, len);
  put_be32 (out, crc32_update (0, out->data + start, len + 4));
}

/* zlib-compresses @data with GIO's compressor: PNG's IDAT is a zlib stream,
 * and GIO is already linked, so PNG needs no image library. */
static GBytes *
zlib_compress (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (z));
  if (!g_output_stream_write_all (out, data, len, NULL, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

/**
 * iot_qr_to_png:
 * @scale: pixels per module, 1 to 64
 *
 * A 1-bit greyscale PNG, black on white, quiet zone included.
 *
 * Returns: (transfer full): the file's bytes, or %NULL with @error set.
 */
GBytes *
iot_qr_to_png (const IotQr *qr, int quiet, int scale, GError **error)
{
  g_return_val_if_fail (qr != NULL && quiet >= 0 && scale >= 1 && scale <= 64, NULL);
  int n = qr->code->width;
  guint32 side = (guint32) (n + 2 * quiet) * (guint32) scale;
  gsize stride = 1 + (side + 7) / 8; /* filter byte, then 8 pixels a byte */

  /* Scanlines; a set bit is white, so start all white and clear the dark. */
  g_autoptr (GByteArray) raw = g_byte_array_sized_new (stride * side);
  g_byte_array_set_size (raw, stride * side);
  for (guint32 py = 0; py < side; py++)
    {
      guint8 *row = raw->data + py * stride;
      row[0] = 0; /* filter: none */
      memset (row + 1, 0xFF, stride - 1);
      for (guint32 px = 0; px < side; px++)
        if (iot_qr_module (qr, (int) (px / scale) - quiet, (int) (py / scale) - quiet))
          row[1 + px / 8] &= (guint8) ~(0x80u >> (px % 8));
    }
  g_autoptr (GBytes) idat = zlib_compress (raw->data, raw->len, error);
  if (idat == NULL)
    return NULL;

  GByteArray *png = g_byte_array_new ();
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  g_byte_array_append (png, signature, sizeof signature);
  guint8 ihdr[13] = {
    side >> 24, side >> 16, side >> 8, side, side >> 24, side >> 16, side >> 8, side,
    1, /* bit depth */
    0, /* colour type: greyscale */
    0, 0, 0, /* deflate, adaptive filtering, no interlace */
  };
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  gsize idat_len;
  const guint8 *idat_data = g_bytes_get_data (idat, &idat_len);
  png_chunk (png, "IDAT", idat_data, idat_len);
  png_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

/* --- Wi-Fi join codes -------------------------------------------------------- */

/**
 * iot_wifi_qr_escape:
 * Returns: (transfer full): @text with \\ ; , : and " escaped by a
 * backslash, as the WIFI: scheme asks for in the S and P fields. Free with
 * iot_str_wipe_free() when @text was a secret.
 */
char *
iot_wifi_qr_escape (const char *text)
{
  gsize len = strlen (text), n = 0;
  char *out = g_malloc (2 * len + 1);
  for (const char *p = text; *p; p++)
    {
      if (strchr ("\\;,:\"", *p) != NULL)
        out[n++] = '\\';
      out[n++] = *p;
    }
  out[n] = '\0';
  return out;
}

/**
 * iot_wifi_qr_text:
 * @type: "WPA", "WEP", "SAE" or "nopass"
 * @password: (nullable): ignored for "nopass"
 *
 * Returns: (transfer full): the text of a code that joins the network.
 * It holds the password: free it with iot_str_wipe_free().
 */
char *
iot_wifi_qr_text (const char *type, const char *ssid, const char *password, gboolean hidden)
{
  gboolean nopass = g_str_equal (type, "nopass") || password == NULL;
  char *s = iot_wifi_qr_escape (ssid);
  char *p = nopass ? NULL : iot_wifi_qr_escape (password);
  char *text = g_strconcat ("WIFI:T:", nopass ? "nopass" : type, ";S:", s, ";",
                            p ? "P:" : "", p ? p : "", p ? ";" : "", hidden ? "H:true;" : "",
                            ";", NULL);
  iot_str_wipe_free (s);
  iot_str_wipe_free (p);
  return text;
}

/* Overwrites a heap string holding a secret before freeing it (for text
 * that libraries hand over as plain strings; IotSecret holds our own). */
void
iot_str_wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
