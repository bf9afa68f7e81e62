/* SPDX-License-Identifier: GPL-3.0-or-later
 * The probing checks' decisions on recorded outcomes: MQTT CONNECT bytes
 * and CONNACK parsing (well-formed and hostile replies), MQTT and SSH login
 * verdicts, MQTT transport, risky ports.
 */
#include "config.h"

#include "app/core/iot-checks-probe.h"
#include "test-util.h"

static const IotCheck g1 = { .id = "login", .guidelines = { 1 }, .etsi = { "5.1-1" } };

static void
test_connect_packet (void)
{
  g_autoptr (GByteArray) anon = iot_mqtt_connect_packet ("c", NULL, NULL);
  /* CONNECT, length 13, "MQTT" level 4, clean session, keepalive 30, id "c" */
  static const guint8 want[] = { 0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 30, 0, 1, 'c' };
  g_assert_cmpmem (anon->data, anon->len, want, sizeof want);
  g_autoptr (GByteArray) login = iot_mqtt_connect_packet ("c", "pi", "raspberry");
  g_assert_cmpuint (login->data[9], ==, 0xc2); /* user name + password flags */
  g_assert_cmpuint (login->data[1], ==, login->len - 2);
  g_assert_cmpmem (login->data + login->len - 9, 9, "raspberry", 9);
  /* Over 127 bytes: a two-byte remaining length. */
  g_autofree char *longpw = g_strnfill (200, 'x');
  g_autoptr (GByteArray) big = iot_mqtt_connect_packet ("c", "u", longpw);
  g_assert_cmpuint (big->data[1] & 0x80, ==, 0x80);
  g_assert_cmpuint ((big->data[1] & 0x7f) + big->data[2] * 128, ==, big->len - 3);
}

static void
test_connack (void)
{
  static const guint8 ok[] = { 0x20, 2, 0, 0 }, refused[] = { 0x20, 2, 0, 5 },
                      bad_user[] = { 0x20, 2, 0, 4 }, present[] = { 0x20, 2, 1, 0 };
  g_assert_cmpint (iot_mqtt_parse_connack (ok, 4), ==, 0);
  g_assert_cmpint (iot_mqtt_parse_connack (refused, 4), ==, 5);
  g_assert_cmpint (iot_mqtt_parse_connack (bad_user, 4), ==, 4);
  g_assert_cmpint (iot_mqtt_parse_connack (present, 4), ==, 0);
  static const guint8 short_[] = { 0x20, 2, 0 }, wrong_type[] = { 0x30, 2, 0, 0 },
                      wrong_len[] = { 0x20, 3, 0, 0 }, flags[] = { 0x20, 2, 2, 0 },
                      code[] = { 0x20, 2, 0, 0x80 }, http[] = { 'H', 'T', 'T', 'P' };
  g_assert_cmpint (iot_mqtt_parse_connack (short_, 3), ==, -1);
  g_assert_cmpint (iot_mqtt_parse_connack (wrong_type, 4), ==, -1);
  g_assert_cmpint (iot_mqtt_parse_connack (wrong_len, 4), ==, -1);
  g_assert_cmpint (iot_mqtt_parse_connack (flags, 4), ==, -1);
  g_assert_cmpint (iot_mqtt_parse_connack (code, 4), ==, -1);
  g_assert_cmpint (iot_mqtt_parse_connack (http, 4), ==, -1);
  g_assert_cmpint (iot_mqtt_parse_connack (NULL, 0), ==, -1);
}

static void
test_mqtt_login (void)
{
  IotLoginProbe p = { .url = "mqtt://192.168.1.5:1883", .reached = TRUE,
                      .anonymous_accepted = TRUE };
  g_autoptr (IotCheckResult) anon = iot_check_decide_mqtt_login (&g1, &p);
  g_assert_cmpint (anon->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (anon->evidence, "Anonymous MQTT login accepted at mqtt://192.168.1.5:1883"));
  p.anonymous_accepted = FALSE;
  p.accepted_user = "admin";
  p.accepted_password = "admin";
  g_autoptr (IotCheckResult) def = iot_check_decide_mqtt_login (&g1, &p);
  g_assert_cmpint (def->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (def->evidence, "“admin”, password “admin”"));
  p.accepted_user = p.accepted_password = NULL;
  p.n_refused = 5;
  g_autoptr (IotCheckResult) pass = iot_check_decide_mqtt_login (&g1, &p);
  g_assert_cmpint (pass->status, ==, IOT_CHECK_PASS);
  g_assert_cmpstr (pass->evidence, ==, "Anonymous and 5 default logins refused at mqtt://192.168.1.5:1883.");
  p.reached = FALSE;
  g_autoptr (IotCheckResult) none = iot_check_decide_mqtt_login (&g1, &p);
  g_assert_cmpint (none->status, ==, IOT_CHECK_WARN);
}

static void
test_ssh_login (void)
{
  IotLoginProbe p = { .url = "ssh://10.0.0.2:22", .reached = TRUE, .accepted_user = "pi",
                      .accepted_password = "raspberry", .n_refused = 0 };
  g_autoptr (IotCheckResult) fail = iot_check_decide_ssh_login (&g1, &p);
  g_assert_cmpint (fail->status, ==, IOT_CHECK_FAIL);
  g_assert_nonnull (strstr (fail->evidence, "user name “pi”, password “raspberry”"));
  p.accepted_user = p.accepted_password = NULL;
  p.n_refused = 1;
  g_autoptr (IotCheckResult) pass = iot_check_decide_ssh_login (&g1, &p);
  g_assert_cmpint (pass->status, ==, IOT_CHECK_PASS);
  g_assert_cmpstr (pass->evidence, ==, "1 default login refused at ssh://10.0.0.2:22.");
  p.reached = FALSE;
  g_autoptr (IotCheckResult) none = iot_check_decide_ssh_login (&g1, &p);
  g_assert_cmpint (none->status, ==, IOT_CHECK_WARN);
}

static void
test_mqtt_transport (void)
{
  IotLoginProbe plain = { .url = "mqtt://10.0.0.3:1883", .reached = TRUE,
                          .anonymous_accepted = TRUE };
  g_autoptr (IotCheckResult) open = iot_check_decide_mqtt_transport (&g1, &plain, NULL);
  g_assert_cmpint (open->status, ==, IOT_CHECK_FAIL);
  plain.anonymous_accepted = FALSE;
  g_autoptr (IotCheckResult) clear = iot_check_decide_mqtt_transport (&g1, &plain, "mqtts://x:8883");
  g_assert_cmpint (clear->status, ==, IOT_CHECK_WARN);
  plain.reached = FALSE;
  g_autoptr (IotCheckResult) tls = iot_check_decide_mqtt_transport (&g1, &plain, "mqtts://10.0.0.3:8883");
  g_assert_cmpint (tls->status, ==, IOT_CHECK_PASS);
  g_assert_nonnull (strstr (tls->evidence, "mqtts://10.0.0.3:8883"));
  g_assert_null (iot_check_decide_mqtt_transport (&g1, &plain, NULL));
}

static void
test_ports (void)
{
  guint n;
  const IotRiskyPort *ports = iot_risky_ports (&n);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpuint (n, <=, 8);
  g_autofree gboolean *open = g_new0 (gboolean, n);
  g_autoptr (IotCheckResult) closed = iot_check_decide_ports (&g1, "10.0.0.4", open);
  g_assert_cmpint (closed->status, ==, IOT_CHECK_PASS);
  g_assert_true (g_str_has_prefix (closed->evidence, "5 ports checked (23, "));
  guint telnet = n, ftp = n;
  for (guint i = 0; i < n; i++)
    {
      if (ports[i].port == 23)
        telnet = i;
      if (ports[i].port == 21)
        ftp = i;
    }
  g_assert_cmpuint (telnet, <, n);
  g_assert_cmpuint (ftp, <, n);
  open[ftp] = TRUE;
  g_autoptr (IotCheckResult) warn = iot_check_decide_ports (&g1, "10.0.0.4", open);
  g_assert_cmpint (warn->status, ==, IOT_CHECK_WARN);
  g_assert_nonnull (strstr (warn->evidence, "21 (FTP)"));
  open[telnet] = TRUE;
  g_autoptr (IotCheckResult) fail = iot_check_decide_ports (&g1, "10.0.0.4", open);
  g_assert_cmpint (fail->status, ==, IOT_CHECK_FAIL);
  g_assert_true (g_str_has_prefix (fail->evidence, "Open on 10.0.0.4: 23 (telnet)."));
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/probe/mqtt-connect-packet", test_connect_packet);
  g_test_add_func ("/probe/mqtt-connack", test_connack);
  g_test_add_func ("/probe/mqtt-login", test_mqtt_login);
  g_test_add_func ("/probe/ssh-login", test_ssh_login);
  g_test_add_func ("/probe/mqtt-transport", test_mqtt_transport);
  g_test_add_func ("/probe/ports", test_ports);
  int r = g_test_run ();
  g_free (argv);
  return r;
}
