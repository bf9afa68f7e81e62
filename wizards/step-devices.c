/* SPDX-License-Identifier: GPL-3.0-or-later
 * Step: the live device list. Devices appear, change and vanish as discovery
 * reports them; the selection follows the device, not the row, so a list
 * that reorders under the person does not move their cursor to another
 * device. Columns are laid out by display width. The setup hotspots above
 * the list ("Waiting for setup") take the cursor too: Up from the first
 * device goes into them, and Enter on one opens the join step.
 */
#include "config.h"

#include "steps.h"

#include "app/core/iot-session.h"
#include "app/core/iot-width.h"
#include "app/ui/ui-list.h"

#include <glib/gi18n.h>

typedef struct
{
  UiList list;
  char *selected_id; /* the device under the cursor */
  char *hotspot_id;  /* or the setup hotspot under it (its access point's id) */
  int n_hotspots;    /* hotspot rows on screen at the last draw */
  GPtrArray *devices; /* snapshot; devices can vanish, so retaken before use */
  int visible;        /* list rows on screen at the last draw */
} Devices;

/* Column widths for a body @cols wide: name | kind | address | services. */
typedef struct
{
  int badge, name, kind, address, services;
} Columns;

static Columns
layout (int cols, gboolean narrow)
{
  /* The badge column holds the translated badge ("NEW" is 3 cells, "НОВ."
   * and "新規" 4) between a space on each side, so it never runs into the
   * name. */
  int badge = iot_width (_("NEW"));
  /* … or, once checked, its worst result (FAIL, WARN, …) in its colour. */
  for (int s = IOT_CHECK_NA; s <= IOT_CHECK_FAIL; s++)
    badge = MAX (badge, iot_width (iot_check_status_to_label ((IotCheckStatus) s)));
  Columns c = { .badge = CLAMP (badge + 2, 5, 10), .services = narrow ? 0 : 9 };
  int rest = cols - c.badge - c.services;
  c.address = narrow ? 0 : CLAMP (rest / 3, 15, 42);
  c.kind = narrow ? 0 : CLAMP (rest / 4, 10, 28);
  c.name = MAX (4, rest - c.address - c.kind);
  return c;
}

static gpointer
devices_enter (IotWizard *w)
{
  IotSession *session = iot_wizard_get_context (w);
  Devices *d = g_new0 (Devices, 1);
  ui_list_init (&d->list);
  d->selected_id = g_strdup (session->selected_id); /* coming back keeps the cursor */
  d->devices = g_ptr_array_new ();
  d->hotspot_id = g_strdup (session->hotspot_id);
  return d;
}

static void
devices_leave (IotWizard *w, gpointer data)
{
  Devices *d = data;
  g_free (d->selected_id);
  g_free (d->hotspot_id);
  g_ptr_array_unref (d->devices);
  g_free (d);
}

/* Refreshes the snapshot and puts the cursor back on the selected device. */
static void
refresh (Devices *d, IotSession *session)
{
  g_ptr_array_unref (d->devices);
  d->devices = iot_registry_dup_devices (session->registry);
  if (d->selected_id == NULL)
    return;
  for (guint i = 0; i < d->devices->len; i++)
    if (g_str_equal (((IotDevice *) d->devices->pdata[i])->id, d->selected_id))
      {
        d->list.selected = i;
        return;
      }
}

static const char *
primary_address (GPtrArray *addrs, gboolean show_ipv6, char **owned)
{
  for (guint i = 0; i < addrs->len; i++)
    {
      IotAddress *a = addrs->pdata[i];
      if (a->family == IOT_FAMILY_IPV4 || show_ipv6)
        return *owned = iot_address_to_string (a);
    }
  return "";
}

typedef struct
{
  Devices *d;
  IotSession *session;
  Columns cols;
} RowContext;

static void
draw_row (IotUi *ui, int row, int index, gboolean selected, gpointer data)
{
  RowContext *rc = data;
  IotDevice *dev = rc->d->devices->pdata[index];
  gboolean reachable = iot_device_is_reachable (dev);
  UiStyle style = selected ? UI_STYLE_SELECTED : reachable ? UI_STYLE_NORMAL : UI_STYLE_DIM;
  int x = 0;

  const IotSetupRecord *rec = iot_session_lookup_record (rc->session, dev->id);
  const IotCheckNotes *notes = iot_session_get_check_notes (rc->session, dev->id, FALSE);
  if (rec != NULL && rec->done)
    /* Set up with the wizard in this session: a tick, ahead of "new". */
    ui_text (ui, row, x + 1, rc->cols.badge - 2, selected ? style : UI_STYLE_BADGE,
             ui_utf8 (ui) ? "\u2713" : "*");
  else if (notes && notes->checked)
    {
      /* The word is the badge; the colour only repeats it. */
      UiStyle badge = notes->worst == IOT_CHECK_FAIL   ? UI_STYLE_ERROR
                      : notes->worst == IOT_CHECK_WARN ? UI_STYLE_WARN
                                                       : UI_STYLE_BADGE;
      ui_text (ui, row, x + 1, rc->cols.badge - 2, selected ? style : badge,
               iot_check_status_to_label (notes->worst));
    }
  else if (dev->is_new)
    /* Translators: badge for a device this computer has never seen before; keep it short. */
    ui_text (ui, row, x + 1, rc->cols.badge - 2, selected ? style : UI_STYLE_BADGE, _("NEW"));
  x += rc->cols.badge;

  g_autofree char *name = iot_device_dup_display_name (dev);
  if (!reachable)
    {
      /* Translators: %s is a device name. */
      g_autofree char *marked = g_strdup_printf (_("%s (unreachable)"), name);
      g_free (name);
      name = g_steal_pointer (&marked);
    }
  ui_text (ui, row, x, rc->cols.name - 1, style, name);
  x += rc->cols.name;
  if (rc->cols.kind)
    {
      const char *label;
      iot_device_get_kind (dev, &label);
      ui_text (ui, row, x, rc->cols.kind - 1, style, _(label));
      x += rc->cols.kind;
    }
  if (rc->cols.address)
    {
      g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (dev);
      g_autofree char *owned = NULL;
      ui_text (ui, row, x, rc->cols.address - 1, style,
               primary_address (addrs, rc->session->config->ui_show_ipv6, &owned));
      x += rc->cols.address;
    }
  if (rc->cols.services)
    {
      g_autofree char *n = g_strdup_printf ("%u", dev->services->len);
      ui_text (ui, row, x, rc->cols.services, style, n);
    }
}

static int draw_hotspots (IotUi *ui, Devices *d, IotSession *session, int cols, int rows);
static int hotspot_index (Devices *d, IotSession *session);

static void
devices_draw (IotWizard *w, gpointer data, IotUi *ui)
{
  Devices *d = data;
  IotSession *session = iot_wizard_get_context (w);
  int cols = ui_body_cols (ui), rows = ui_body_rows (ui);
  refresh (d, session);

  /* A discovery problem gets the whole explanation, wrapped, above the
   * list: the status line alone would cut the instructions off. */
  const char *problem = iot_discovery_get_error (session->discovery);
  if (problem != NULL)
    {
      int used = ui_text_wrapped (ui, 0, 1, cols - 2, MAX (rows / 2, 1), UI_STYLE_WARN, problem);
      ui_offset (ui, used + 1);
      rows = ui_body_rows (ui);
    }
  /* So is a home network that does not protect what devices send: set up
   * on it, even a secure device talks in the clear. */
  const IotNetworkInfo *net = iot_network_get_info (session->network);
  for (guint i = 0; i < net->findings->len && rows > 4; i++)
    {
      const IotFinding *f = net->findings->pdata[i];
      g_autofree char *text = g_strdup_printf ("%s %s", f->message, f->advice);
      int used = ui_text_wrapped (ui, 0, 1, cols - 2, MAX (rows / 2, 1), UI_STYLE_WARN, text);
      ui_offset (ui, used + 1);
      rows = ui_body_rows (ui);
    }

  draw_hotspots (ui, d, session, cols, rows);
  rows = ui_body_rows (ui);
  if (hotspot_index (d, session) >= 0)
    ui_set_status (ui, UI_STYLE_NORMAL,
                   _("Press Enter to join this hotspot and open the device's setup page."));

  if (d->devices->len == 0)
    {
      const char *msg = iot_discovery_is_complete (session->discovery)
                            ? _("No devices found yet. Plug in your new device, wait for it "
                                "to join the network, and it will appear here.")
                            : _("Looking for devices on your network…");
      ui_text_wrapped (ui, 1, 2, cols - 4, rows - 1, UI_STYLE_NORMAL, msg);
      return;
    }

  RowContext rc = { d, session, layout (cols, cols < 60) };
  int x = rc.cols.badge;
  /* Translators: column headers of the device list. */
  ui_text (ui, 0, x, rc.cols.name - 1, UI_STYLE_HEADER, _("Name"));
  x += rc.cols.name;
  if (rc.cols.kind)
    ui_text (ui, 0, x, rc.cols.kind - 1, UI_STYLE_HEADER, _("Kind"));
  x += rc.cols.kind;
  if (rc.cols.address)
    ui_text (ui, 0, x, rc.cols.address - 1, UI_STYLE_HEADER, _("Address"));
  x += rc.cols.address;
  if (rc.cols.services)
    ui_text (ui, 0, x, rc.cols.services, UI_STYLE_HEADER, _("Services"));

  if (d->list.selected < 0)
    d->list.selected = 0;
  d->visible = rows - 1;
  /* No device row is highlighted while the cursor is on a hotspot. */
  UiList shown = d->list;
  if (d->hotspot_id)
    shown.selected = -1;
  ui_list_draw (&shown, ui, 1, rows - 1, d->devices->len, draw_row, &rc);
  d->list.top = shown.top;
  IotDevice *sel = d->devices->pdata[d->list.selected];
  g_free (d->selected_id);
  d->selected_id = g_strdup (sel->id);

  guint n_new = 0;
  for (guint i = 0; i < d->devices->len; i++)
    n_new += ((IotDevice *) d->devices->pdata[i])->is_new;
  g_autofree char *status =
      n_new ? g_strdup_printf (ngettext ("%u new device. Press Enter to see its details.",
                                         "%u new devices. Press Enter to see details.", n_new),
                               n_new)
            : g_strdup (_("Press Enter to see a device's details."));
  if (d->hotspot_id == NULL)
    ui_set_status (ui, UI_STYLE_NORMAL, status);
}

/* Devices waiting for setup: the setup hotspots in range, strongest first,
 * each with its signal and whether anyone may join it. Returns the rows
 * used (the body is offset by them). */
static int
draw_hotspots (IotUi *ui, Devices *d, IotSession *session, int cols, int rows)
{
  const GPtrArray *hs = iot_hotspots_get (session->hotspots);
  d->n_hotspots = 0;
  if (hs->len == 0 || rows < 7)
    return 0;
  int max = MIN ((int) hs->len, MAX (1, rows / 3 - 1));
  d->n_hotspots = max;
  /* With no device to pick, the cursor starts on the first hotspot. */
  if (d->devices->len == 0 && d->hotspot_id == NULL)
    d->hotspot_id = g_strdup (((IotSetupHotspot *) hs->pdata[0])->ap_id);
  /* Translators: heading of the Wi-Fi setup hotspots of new devices in range. */
  ui_text (ui, 0, 1, cols - 2, UI_STYLE_HEADER, _("Waiting for setup (Wi-Fi hotspots)"));
  int ssid_w = CLAMP (cols / 3, 10, 32), family_w = CLAMP (cols / 4, 8, 28);
  gboolean any_open = FALSE;
  for (int i = 0; i < max; i++)
    {
      const IotSetupHotspot *h = hs->pdata[i];
      gboolean selected = g_strcmp0 (h->ap_id, d->hotspot_id) == 0;
      UiStyle style = selected ? UI_STYLE_SELECTED : UI_STYLE_NORMAL;
      if (selected)
        ui_fill (ui, 1 + i, style);
      int x = 2;
      ui_text (ui, 1 + i, x, ssid_w - 1, style, h->ssid);
      x += ssid_w;
      ui_text (ui, 1 + i, x, family_w - 1, style, h->profile->family);
      x += family_w;
      g_autofree char *signal = g_strdup_printf ("%3u%%", h->strength);
      ui_text (ui, 1 + i, x, 5, style, signal);
      x += 6;
      if (cols - x > 2)
        ui_text (ui, 1 + i, x, cols - x - 1, selected ? style : h->open ? UI_STYLE_WARN : style,
                 h->open ? _("open, no password") : iot_wifi_security_label (h->security));
      any_open |= h->open;
    }
  int used = max + 1;
  if (any_open && rows - used > 5)
    used += ui_text_wrapped (ui, used, 2, cols - 4, 2, UI_STYLE_WARN,
                             /* Translators: guideline 6 is "Minimise exposed attack surfaces". */
                             _("Guideline 6: anyone nearby can join an open setup hotspot and "
                               "take over the device. Set it up soon."));
  ui_offset (ui, used + 1);
  return used + 1;
}

/* The index among the hotspots on screen of the one under the cursor, or -1
 * (none, or it went out of range: the cursor then goes back to the list). */
static int
hotspot_index (Devices *d, IotSession *session)
{
  const GPtrArray *hs = iot_hotspots_get (session->hotspots);
  for (int i = 0; d->hotspot_id && i < d->n_hotspots && i < (int) hs->len; i++)
    if (g_strcmp0 (((IotSetupHotspot *) hs->pdata[i])->ap_id, d->hotspot_id) == 0)
      return i;
  g_clear_pointer (&d->hotspot_id, g_free);
  return -1;
}

static void
select_hotspot (Devices *d, IotSession *session, int i)
{
  const GPtrArray *hs = iot_hotspots_get (session->hotspots);
  g_free (d->hotspot_id);
  d->hotspot_id = i >= 0 && i < (int) hs->len
                      ? g_strdup (((IotSetupHotspot *) hs->pdata[i])->ap_id)
                      : NULL;
}

/* Up and Down across the hotspots and into the device list. Returns: TRUE
 * when the action moved the cursor there. */
static gboolean
hotspot_move (Devices *d, IotSession *session, IotAction action, int n_devices)
{
  int h = hotspot_index (d, session);
  if (d->n_hotspots == 0)
    return FALSE;
  if (h < 0)
    {
      /* Into the hotspots from the top of the list, or from an empty list. */
      gboolean at_top = n_devices == 0 || d->list.selected <= 0;
      if (action == IOT_ACTION_UP && at_top)
        select_hotspot (d, session, d->n_hotspots - 1);
      else if (action == IOT_ACTION_DOWN && n_devices == 0)
        select_hotspot (d, session, 0);
      else
        return FALSE;
      return TRUE;
    }
  switch (action)
    {
    case IOT_ACTION_UP:
      select_hotspot (d, session, MAX (h - 1, 0));
      return TRUE;
    case IOT_ACTION_DOWN:
      if (h + 1 < d->n_hotspots)
        select_hotspot (d, session, h + 1);
      else if (n_devices > 0)
        {
          select_hotspot (d, session, -1);
          d->list.selected = 0;
        }
      return TRUE;
    case IOT_ACTION_HOME:
    case IOT_ACTION_PAGE_UP:
      select_hotspot (d, session, 0);
      return TRUE;
    default:
      return FALSE;
    }
}

static IotStepResult
devices_action (IotWizard *w, gpointer data, IotAction action)
{
  Devices *d = data;
  IotSession *session = iot_wizard_get_context (w);
  refresh (d, session);
  int n = d->devices->len;

  if (hotspot_move (d, session, action, n))
    return IOT_STEP_STAY;
  if (d->hotspot_id && action == IOT_ACTION_OPEN)
    {
      g_free (session->hotspot_id);
      session->hotspot_id = g_strdup (d->hotspot_id);
      iot_wizard_set_next (w, "join");
      return IOT_STEP_NEXT;
    }
  if (d->hotspot_id && (action == IOT_ACTION_DOWN || action == IOT_ACTION_PAGE_DOWN ||
                        action == IOT_ACTION_END))
    g_clear_pointer (&d->hotspot_id, g_free); /* into the list, then as usual */

  if (ui_list_action (&d->list, n, MAX (d->visible, 1), action))
    {
      if (d->list.selected >= 0)
        {
          g_free (d->selected_id);
          d->selected_id = g_strdup (((IotDevice *) d->devices->pdata[d->list.selected])->id);
        }
      return IOT_STEP_STAY;
    }
  switch (action)
    {
    case IOT_ACTION_OPEN:
      if (d->selected_id == NULL || n == 0)
        return IOT_STEP_STAY;
      iot_session_select (session, d->selected_id);
      return IOT_STEP_NEXT;
    case IOT_ACTION_LANGUAGE:
      iot_wizard_set_next (w, "language");
      return IOT_STEP_NEXT;
    case IOT_ACTION_WIFI_QR:
      /* Only on request: the code holds the Wi-Fi password. */
      if (iot_network_get_info (session->network)->type != IOT_LINK_WIFI)
        return IOT_STEP_STAY;
      iot_wizard_set_next (w, "wifi-qr");
      return IOT_STEP_NEXT;
    case IOT_ACTION_QUIT:
      return IOT_STEP_QUIT;
    default:
      return IOT_STEP_STAY;
    }
}

static const IotAction devices_bar[] = {
  /* The Wi-Fi code (w) is in the help: the bar must fit 40 columns. */
  IOT_ACTION_HELP, IOT_ACTION_OPEN, IOT_ACTION_LANGUAGE, IOT_ACTION_QUIT, IOT_ACTION_NONE,
};

const IotStepClass iot_step_devices = {
  .id = "devices",
  .title = N_ ("Devices on your network"),
  .bar = devices_bar,
  .enter = devices_enter,
  .action = devices_action,
  .draw = devices_draw,
  .leave = devices_leave,
};
