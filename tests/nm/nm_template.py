# SPDX-License-Identifier: GPL-3.0-or-later
'''NetworkManager mock for iotsetup's tests: python-dbusmock's stock
"networkmanager" template plus what it lacks for libnm clients (see
/work/shared/LAB-NOTES.md section 2): PrimaryConnection, the active access
point, IP4Config/IP6Config objects, separate WPA and RSN flags, and whole
wired or Wi-Fi connections set up in one call, each object complete before
it is announced (so libnm never sees a half-built one).

Load it with: python3 -m dbusmock --system --template tests/nm/nm_template.py
Mock methods (interface org.freedesktop.DBus.Mock, object /org/freedesktop):

  AddWiredConnection(iface s, id s, ipv4 s, prefix u, ipv6 s, primary b) -> s
  AddWifiConnection(iface s, id s, ssid s, bssid s, frequency u, strength y,
                    flags u, wpa_flags u, rsn_flags u, ipv4 s, prefix u,
                    primary b) -> s
  AddAccessPointFlags(device s, name s, ssid s, bssid s, frequency u,
                      strength y, flags u, wpa_flags u, rsn_flags u) -> s
  SetAccessPointStrength(ap s, strength y)
  RemoveAccessPoint(device s, ap s)          (stock)
  SetWifiSecurity(active_connection s, key_mgmt s, psk s, hidden b)
      gives the saved connection behind an active one an
      802-11-wireless-security setting (key_mgmt "" for none) and a secret
      (psk, or wep-key0 for key_mgmt "none") that only GetSecrets returns,
      in NetworkManager's own format
  SetJoinMode(mode s)
      how the next AddAndActivateConnection (replaced, like
      ActivateConnection and DeactivateConnection, by a version with real
      state changes) ends: "ok", "wrong-key" or "hang"
  SetActivateFails(count u)
      the next COUNT ActivateConnection calls fail (recorded all the same),
      as when the previous network does not take the machine back at once
  SetSecretsDenied(denied b)
      GetSecrets fails with ...Settings.PermissionDenied, as for a user
      polkit does not allow to read system secrets

ipv4/ipv6 may be "" for none. Device paths are
/org/freedesktop/NetworkManager/Devices/IFACE.
'''

import uuid

import dbus

import dbusmock
from dbusmock import MOCK_IFACE
# The stock template: its constants, its load() and its mock methods.
from dbusmock.templates.networkmanager import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from dbusmock.templates import networkmanager as _stock

IP4_IFACE = 'org.freedesktop.NetworkManager.IP4Config'
IP6_IFACE = 'org.freedesktop.NetworkManager.IP6Config'
WIRED_IFACE = 'org.freedesktop.NetworkManager.Device.Wired'

_counter = {'ip': 0, 'ac': 0}


def load(mock, parameters):
    if 'Version' not in parameters:
        parameters = dict(parameters)
        parameters['Version'] = '1.42.4-mock'
    _stock.load(mock, parameters)
    manager = dbusmock.get_object(MANAGER_OBJ)
    manager.AddProperties(MANAGER_IFACE, {
        'PrimaryConnection': dbus.ObjectPath('/'),
        'PrimaryConnectionType': '',
        'ActivatingConnection': dbus.ObjectPath('/'),
        'AllDevices': dbus.Array([], signature='o'),
        'Capabilities': dbus.Array([], signature='u'),
        'Metered': dbus.UInt32(0),
        'ConnectivityCheckAvailable': False,
        'ConnectivityCheckEnabled': False,
        'ConnectivityCheckUri': '',
        'Checkpoints': dbus.Array([], signature='o'),
        'GlobalDnsConfiguration': dbus.Dictionary({}, signature='sv'),
        'RadioFlags': dbus.UInt32(0),
    })
    _join['root'] = mock
    manager.activate_connection = _mgr_activate
    manager.deactivate_connection = _mgr_deactivate
    manager.add_and_activate_connection = _mgr_add_and_activate


def _ip_config(self, family, address, prefix):
    '''An IP4Config or IP6Config object (announced); "/" when no address.'''
    if not address:
        return dbus.ObjectPath('/')
    _counter['ip'] += 1
    iface = IP4_IFACE if family == 4 else IP6_IFACE
    path = f'/org/freedesktop/NetworkManager/IP{family}Config/{_counter["ip"]}'
    props = {
        'AddressData': dbus.Array([dbus.Dictionary({'address': dbus.String(address),
                                                    'prefix': dbus.UInt32(prefix)},
                                                   signature='sv')],
                                  signature='a{sv}'),
        'Gateway': '',
        'RouteData': dbus.Array([], signature='a{sv}'),
        'Domains': dbus.Array([], signature='s'),
        'Searches': dbus.Array([], signature='s'),
        'DnsOptions': dbus.Array([], signature='s'),
        'DnsPriority': dbus.Int32(0),
    }
    if family == 4:
        props['NameserverData'] = dbus.Array([], signature='a{sv}')
        props['WinsServerData'] = dbus.Array([], signature='s')
    else:
        props['Nameservers'] = dbus.Array([], signature='ay')
    self.AddObject(path, iface, props, [])
    self.object_manager_emit_added(path)
    return dbus.ObjectPath(path)


def _device_props(iface, dev_type, ip4, ip6):
    return {
        'DeviceType': dbus.UInt32(dev_type),
        'State': dbus.UInt32(DeviceState.ACTIVATED),
        'StateReason': (dbus.UInt32(DeviceState.ACTIVATED), dbus.UInt32(0)),
        'Interface': iface,
        'IpInterface': iface,
        'ActiveConnection': dbus.ObjectPath('/'),
        'AvailableConnections': dbus.Array([], signature='o'),
        'AutoConnect': True,
        'Managed': True,
        'Driver': 'dbusmock',
        'Ip4Config': ip4,
        'Ip6Config': ip6,
        'Dhcp4Config': dbus.ObjectPath('/'),
        'Dhcp6Config': dbus.ObjectPath('/'),
        'Udi': '/sys/devices/virtual/net/' + iface,
        'Path': '',
        'Mtu': dbus.UInt32(1500),
        'Real': True,
        'Metered': dbus.UInt32(0),
        'Capabilities': dbus.UInt32(0),
        'FirmwareMissing': False,
        'NmPluginMissing': False,
    }


def _set(obj, iface, props):
    '''Property changes with PropertiesChanged signals. (UpdateProperties
    cannot send object paths in dbusmock 0.28.)'''
    for name, value in props.items():
        obj.Set(iface, name, value)


def _announce_device(self, path):
    self.object_manager_emit_added(path)
    manager = dbusmock.get_object(MANAGER_OBJ)
    devices = manager.Get(MANAGER_IFACE, 'Devices') + [dbus.ObjectPath(path)]
    _set(manager, MANAGER_IFACE, {'Devices': dbus.Array(devices, signature='o'),
                                  'AllDevices': dbus.Array(devices, signature='o')})
    manager.EmitSignal(MANAGER_IFACE, 'DeviceAdded', 'o', [dbus.ObjectPath(path)])


def _ap_props(ssid, bssid, frequency, strength, flags, wpa_flags, rsn_flags):
    return {
        'Ssid': dbus.ByteArray(ssid.encode('UTF-8', 'surrogateescape')),
        'HwAddress': dbus.String(bssid),
        'Flags': dbus.UInt32(flags),
        'WpaFlags': dbus.UInt32(wpa_flags),
        'RsnFlags': dbus.UInt32(rsn_flags),
        'Frequency': dbus.UInt32(frequency),
        'MaxBitrate': dbus.UInt32(54000),
        'Mode': dbus.UInt32(InfrastructureMode.NM_802_11_MODE_INFRA),
        'Strength': dbus.Byte(strength),
        'LastSeen': dbus.Int32(1),
        'Bandwidth': dbus.UInt32(20),
    }


@dbus.service.method(MOCK_IFACE, in_signature='ssssuyuuu', out_signature='s')
def AddAccessPointFlags(self, dev_path, ap_name, ssid, bssid, frequency, strength,
                        flags, wpa_flags, rsn_flags):
    '''An access point with its own Flags, WpaFlags and RsnFlags.'''
    dev = dbusmock.get_object(dev_path)
    path = '/org/freedesktop/NetworkManager/AccessPoint/' + ap_name
    self.AddObject(path, ACCESS_POINT_IFACE,
                   _ap_props(ssid, bssid, frequency, strength, flags, wpa_flags, rsn_flags), [])
    self.object_manager_emit_added(path)
    dev.access_points.append(path)
    aps = dev.Get(WIRELESS_DEVICE_IFACE, 'AccessPoints') + [dbus.ObjectPath(path)]
    dev.Set(WIRELESS_DEVICE_IFACE, 'AccessPoints', dbus.Array(aps, signature='o'))
    dev.EmitSignal(WIRELESS_DEVICE_IFACE, 'AccessPointAdded', 'o', [dbus.ObjectPath(path)])
    return path


@dbus.service.method(MOCK_IFACE, in_signature='sy', out_signature='')
def SetAccessPointStrength(self, ap_path, strength):
    dbusmock.get_object(ap_path).Set(ACCESS_POINT_IFACE, 'Strength', dbus.Byte(strength))


def _activate(self, dev_path, conn_type, conn_id, settings, specific, ip4, ip6, primary):
    '''A saved connection and its active connection on dev_path; the device,
    the manager's ActiveConnections and (if primary) PrimaryConnection follow.'''
    conn_path = self.SettingsAddConnection(settings)
    _counter['ac'] += 1
    ac_path = f'/org/freedesktop/NetworkManager/ActiveConnection/{_counter["ac"]}'
    self.AddObject(ac_path, ACTIVE_CONNECTION_IFACE, {
        'Connection': dbus.ObjectPath(conn_path),
        'SpecificObject': dbus.ObjectPath(specific),
        'Id': conn_id,
        'Uuid': settings['connection']['uuid'],
        'Type': conn_type,
        'Devices': dbus.Array([dbus.ObjectPath(dev_path)], signature='o'),
        'State': dbus.UInt32(NMActiveConnectionState.NM_ACTIVE_CONNECTION_STATE_ACTIVATED),
        'StateFlags': dbus.UInt32(0),
        'Default': bool(primary),
        'Default6': False,
        'Ip4Config': ip4,
        'Ip6Config': ip6,
        'Dhcp4Config': dbus.ObjectPath('/'),
        'Dhcp6Config': dbus.ObjectPath('/'),
        'Vpn': False,
        'Master': dbus.ObjectPath('/'),
        'Controller': dbus.ObjectPath('/'),
    }, [])
    self.object_manager_emit_added(ac_path)

    dev = dbusmock.get_object(dev_path)
    _set(dev, DEVICE_IFACE, {
        'ActiveConnection': dbus.ObjectPath(ac_path),
        'AvailableConnections': dbus.Array([dbus.ObjectPath(conn_path)], signature='o'),
    })

    manager = dbusmock.get_object(MANAGER_OBJ)
    acs = manager.Get(MANAGER_IFACE, 'ActiveConnections') + [dbus.ObjectPath(ac_path)]
    changes = {'ActiveConnections': dbus.Array(acs, signature='o')}
    if primary:
        changes['PrimaryConnection'] = dbus.ObjectPath(ac_path)
        changes['PrimaryConnectionType'] = conn_type
        changes['State'] = dbus.UInt32(NMState.NM_STATE_CONNECTED_GLOBAL)
    elif manager.Get(MANAGER_IFACE, 'PrimaryConnection') == '/':
        changes['State'] = dbus.UInt32(NMState.NM_STATE_CONNECTED_SITE)
    _set(manager, MANAGER_IFACE, changes)
    if 'State' in changes:
        manager.EmitSignal(MANAGER_IFACE, 'StateChanged', 'u', [changes['State']])
    return ac_path


@dbus.service.method(MOCK_IFACE, in_signature='sssusb', out_signature='s')
def AddWiredConnection(self, iface, conn_id, ipv4, prefix, ipv6, primary):
    '''An activated Ethernet device with a connection and addresses.'''
    ip4 = _ip_config(self, 4, ipv4, prefix)
    ip6 = _ip_config(self, 6, ipv6, 64)
    path = '/org/freedesktop/NetworkManager/Devices/' + iface
    self.AddObject(path, WIRED_IFACE, {
        'Carrier': True,
        'HwAddress': '02:00:5E:10:00:01',
        'PermHwAddress': '02:00:5E:10:00:01',
        'Speed': dbus.UInt32(1000),
        'S390Subchannels': dbus.Array([], signature='s'),
    }, [])
    dbusmock.get_object(path).AddProperties(DEVICE_IFACE, _device_props(iface, 1, ip4, ip6))
    _announce_device(self, path)
    settings = {
        'connection': {'id': conn_id, 'type': '802-3-ethernet', 'uuid': str(uuid.uuid4()),
                       'interface-name': iface},
        '802-3-ethernet': {},
    }
    return _activate(self, path, '802-3-ethernet', conn_id, settings, '/', ip4, ip6, primary)


@dbus.service.method(MOCK_IFACE, in_signature='ssssuyuuusub', out_signature='s')
def AddWifiConnection(self, iface, conn_id, ssid, bssid, frequency, strength,
                      flags, wpa_flags, rsn_flags, ipv4, prefix, primary):
    '''An activated Wi-Fi device connected to a new access point.'''
    ip4 = _ip_config(self, 4, ipv4, prefix)
    ip6 = dbus.ObjectPath('/')
    path = '/org/freedesktop/NetworkManager/Devices/' + iface
    self.AddObject(path, WIRELESS_DEVICE_IFACE, {
        'HwAddress': '02:00:5E:10:00:02',
        'PermHwAddress': '02:00:5E:10:00:02',
        'Bitrate': dbus.UInt32(54000),
        'Mode': dbus.UInt32(InfrastructureMode.NM_802_11_MODE_INFRA),
        'WirelessCapabilities': dbus.UInt32(0xfff),
        'AccessPoints': dbus.Array([], signature='o'),
        'ActiveAccessPoint': dbus.ObjectPath('/'),
        'LastScan': dbus.Int64(1),
    }, [
        ('GetAccessPoints', '', 'ao', 'ret = self.access_points'),
        ('GetAllAccessPoints', '', 'ao', 'ret = self.access_points'),
        ('RequestScan', 'a{sv}', '', ''),
    ])
    dev = dbusmock.get_object(path)
    dev.access_points = []
    dev.AddProperties(DEVICE_IFACE, _device_props(iface, 2, ip4, ip6))
    _announce_device(self, path)
    ap = AddAccessPointFlags(self, path, iface + '_home', ssid, bssid, frequency, strength,
                             flags, wpa_flags, rsn_flags)
    dev.Set(WIRELESS_DEVICE_IFACE, 'ActiveAccessPoint', dbus.ObjectPath(ap))
    settings = {
        'connection': {'id': conn_id, 'type': '802-11-wireless', 'uuid': str(uuid.uuid4()),
                       'interface-name': iface},
        '802-11-wireless': {'ssid': dbus.ByteArray(ssid.encode('UTF-8', 'surrogateescape')),
                            'mode': 'infrastructure'},
    }
    return _activate(self, path, '802-11-wireless', conn_id, settings, ap, ip4, ip6, primary)


_secrets = {'denied': False}


def _get_secrets(self, setting):
    '''NetworkManager's GetSecrets: {setting: {key: value}} for the asked
    setting only (the stock template answers in a format of its own).'''
    if _secrets['denied']:
        raise dbus.exceptions.DBusException(
            'Not authorized to get secrets',
            name='org.freedesktop.NetworkManager.Settings.PermissionDenied')
    secrets = getattr(self, 'iot_secrets', {})
    if setting not in secrets:
        return dbus.Dictionary({}, signature='sa{sv}')
    return dbus.Dictionary({setting: dbus.Dictionary(secrets[setting], signature='sv')},
                           signature='sa{sv}')


@dbus.service.method(MOCK_IFACE, in_signature='sssb', out_signature='')
def SetWifiSecurity(self, ac_path, key_mgmt, psk, hidden):
    '''An 802-11-wireless-security setting and its secret for the saved
    connection behind ac_path.'''
    conn_path = dbusmock.get_object(ac_path).Get(ACTIVE_CONNECTION_IFACE, 'Connection')
    conn = dbusmock.get_object(conn_path)
    settings = conn.settings
    settings['802-11-wireless']['hidden'] = dbus.Boolean(hidden)
    conn.iot_secrets = {}
    if key_mgmt:
        settings['802-11-wireless']['security'] = '802-11-wireless-security'
        sec = {'key-mgmt': key_mgmt}
        if key_mgmt == 'none':
            sec['wep-tx-keyidx'] = dbus.UInt32(0)
            conn.iot_secrets['802-11-wireless-security'] = {'wep-key0': dbus.String(psk)}
        else:
            conn.iot_secrets['802-11-wireless-security'] = {'psk': dbus.String(psk)}
        settings['802-11-wireless-security'] = sec
    conn.ConnectionGetSecrets = _get_secrets
    conn.EmitSignal(CSETTINGS_IFACE, 'Updated', '', [])


@dbus.service.method(MOCK_IFACE, in_signature='b', out_signature='')
def SetSecretsDenied(self, denied):
    '''GetSecrets fails with PermissionDenied (polkit said no).'''
    _secrets['denied'] = bool(denied)


# --- joining a setup hotspot: add-and-activate, activate and deactivate ------------
# The stock template activates at once and never fails, raises a KeyError for
# real WPA2/WPA3 flags and skips the "deactivated" state. These replace its
# manager methods (the calls are still recorded: GetMethodCalls on
# /org/freedesktop/NetworkManager). SetJoinMode(mode s) sets how the next
# add-and-activate ends: "ok" (activated after 200 ms), "wrong-key"
# (deactivated with reason 9, no secrets), "hang" (stays activating).

_join = {'mode': 'ok', 'root': None, 'activate_fails': 0}
AC_STATE = NMActiveConnectionState


def _ac_state(ac_path, state, reason=0):
    ac = dbusmock.get_object(ac_path)
    ac.Set(ACTIVE_CONNECTION_IFACE, 'State', dbus.UInt32(state))
    ac.EmitSignal(ACTIVE_CONNECTION_IFACE, 'StateChanged', 'uu',
                  [dbus.UInt32(state), dbus.UInt32(reason)])


def _drop_ac(ac_path, reason=0):
    '''The active connection goes to "deactivated" and away.'''
    try:
        ac = dbusmock.get_object(ac_path)
    except KeyError:
        return
    _ac_state(ac_path, AC_STATE.NM_ACTIVE_CONNECTION_STATE_DEACTIVATED, reason)
    manager = dbusmock.get_object(MANAGER_OBJ)
    acs = [p for p in manager.Get(MANAGER_IFACE, 'ActiveConnections') if p != ac_path]
    changes = {'ActiveConnections': dbus.Array(acs, signature='o')}
    if manager.Get(MANAGER_IFACE, 'PrimaryConnection') == ac_path:
        changes['PrimaryConnection'] = dbus.ObjectPath('/')
        changes['PrimaryConnectionType'] = ''
    _set(manager, MANAGER_IFACE, changes)
    for dev_path in ac.Get(ACTIVE_CONNECTION_IFACE, 'Devices'):
        dev = dbusmock.get_object(dev_path)
        if dev.Get(DEVICE_IFACE, 'ActiveConnection') == ac_path:
            dev.Set(DEVICE_IFACE, 'ActiveConnection', dbus.ObjectPath('/'))
            if WIRELESS_DEVICE_IFACE in dev.props:
                dev.Set(WIRELESS_DEVICE_IFACE, 'ActiveAccessPoint', dbus.ObjectPath('/'))
    root = _join['root']
    root.object_manager_emit_removed(ac_path)
    root.RemoveObject(ac_path)


def _new_ac(conn_path, dev_path, specific, state):
    '''An active connection for a saved one on dev_path; whatever was active
    there goes first, as in NetworkManager.'''
    dev = dbusmock.get_object(dev_path)
    old = dev.Get(DEVICE_IFACE, 'ActiveConnection')
    if old != '/':
        _drop_ac(old)
    conn = dbusmock.get_object(conn_path)
    settings = conn.settings
    _counter['ac'] += 1
    ac_path = f'/org/freedesktop/NetworkManager/ActiveConnection/{_counter["ac"]}'
    root = _join['root']
    root.AddObject(ac_path, ACTIVE_CONNECTION_IFACE, {
        'Connection': dbus.ObjectPath(conn_path),
        'SpecificObject': dbus.ObjectPath(specific),
        'Id': settings['connection']['id'],
        'Uuid': settings['connection']['uuid'],
        'Type': settings['connection']['type'],
        'Devices': dbus.Array([dbus.ObjectPath(dev_path)], signature='o'),
        'State': dbus.UInt32(state),
        'StateFlags': dbus.UInt32(0),
        'Default': False,
        'Default6': False,
        'Ip4Config': dbus.ObjectPath('/'),
        'Ip6Config': dbus.ObjectPath('/'),
        'Dhcp4Config': dbus.ObjectPath('/'),
        'Dhcp6Config': dbus.ObjectPath('/'),
        'Vpn': False,
        'Master': dbus.ObjectPath('/'),
        'Controller': dbus.ObjectPath('/'),
    }, [])
    root.object_manager_emit_added(ac_path)
    dev.Set(DEVICE_IFACE, 'ActiveConnection', dbus.ObjectPath(ac_path))
    manager = dbusmock.get_object(MANAGER_OBJ)
    acs = manager.Get(MANAGER_IFACE, 'ActiveConnections') + [dbus.ObjectPath(ac_path)]
    _set(manager, MANAGER_IFACE, {'ActiveConnections': dbus.Array(acs, signature='o')})
    return ac_path


def _activated(ac_path, dev_path, specific):
    try:
        dbusmock.get_object(ac_path)
    except KeyError:
        return
    _ac_state(ac_path, AC_STATE.NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
    dev = dbusmock.get_object(dev_path)
    if WIRELESS_DEVICE_IFACE in dev.props and specific != '/':
        dev.Set(WIRELESS_DEVICE_IFACE, 'ActiveAccessPoint', dbus.ObjectPath(specific))
    manager = dbusmock.get_object(MANAGER_OBJ)
    conn_type = dbusmock.get_object(ac_path).Get(ACTIVE_CONNECTION_IFACE, 'Type')
    _set(manager, MANAGER_IFACE, {'PrimaryConnection': dbus.ObjectPath(ac_path),
                                  'PrimaryConnectionType': conn_type})


def _mgr_activate(self, conn_path, dev_path, specific):
    if _join['activate_fails'] > 0:
        _join['activate_fails'] -= 1
        raise dbus.exceptions.DBusException(
            'Connection activation failed: the base network connection was interrupted',
            name='org.freedesktop.NetworkManager.Failed')
    ac = _new_ac(conn_path, dev_path, specific,
                 AC_STATE.NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
    _activated(ac, dev_path, specific)
    return dbus.ObjectPath(ac)


def _mgr_deactivate(self, ac_path):
    _drop_ac(ac_path, 2)  # reason: user disconnected


def _mgr_add_and_activate(self, conf, dev_path, specific):
    from gi.repository import GLib  # pylint: disable=import-outside-toplevel
    root = _join['root']
    settings = {k: dict(v) for k, v in conf.items()}
    settings.setdefault('connection', {})
    if 'uuid' not in settings['connection']:
        settings['connection']['uuid'] = str(uuid.uuid4())
    secrets = settings.get('802-11-wireless-security', {}).pop('psk', None)
    conn_path = root.SettingsAddConnection(settings)
    if secrets is not None:
        dbusmock.get_object(conn_path).iot_secrets = {
            '802-11-wireless-security': {'psk': dbus.String(secrets)}}
        dbusmock.get_object(conn_path).ConnectionGetSecrets = _get_secrets
    ac = _new_ac(conn_path, dev_path, specific, AC_STATE.NM_ACTIVE_CONNECTION_STATE_ACTIVATING)
    mode = _join['mode']
    if mode == 'ok':
        GLib.timeout_add(200, lambda: _hotspot_ip(ac) or _activated(ac, dev_path, specific) and False)
    elif mode == 'wrong-key':
        GLib.timeout_add(200, lambda: _drop_ac(ac, 9) and False)
    return (dbus.ObjectPath(conn_path), dbus.ObjectPath(ac))


def _hotspot_ip(ac_path):
    '''A joined hotspot's address, as a device's DHCP server hands it out:
    192.168.4.2/24, with the device itself (192.168.4.1) as the gateway.'''
    try:
        ac = dbusmock.get_object(ac_path)
    except KeyError:
        return False
    ip4 = _ip_config(_join['root'], 4, '192.168.4.2', 24)
    dbusmock.get_object(ip4).Set(IP4_IFACE, 'Gateway', '192.168.4.1')
    ac.Set(ACTIVE_CONNECTION_IFACE, 'Ip4Config', ip4)
    return False


@dbus.service.method(MOCK_IFACE, in_signature='u', out_signature='')
def SetActivateFails(self, count):
    '''The next COUNT ActivateConnection calls fail.'''
    _join['activate_fails'] = int(count)


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def SetJoinMode(self, mode):
    '''How the next AddAndActivateConnection ends: ok, wrong-key or hang.'''
    _join['mode'] = mode
