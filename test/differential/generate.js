#!/usr/bin/env node
// Differential test, step 1: random valid MQTT packets, encoded by mqtt-packet.
//
//   node generate.js SEED COUNT VERSION      (VERSION 4 = MQTT 3.1.1, 5 = MQTT 5.0)
//
// Prints COUNT JSON lines {"i", "version", "packet", "hex"}: `packet` is the object in
// mqtt-packet's own format (what mqtt.generate() takes and mqtt.parser() emits), with every
// Buffer written as {"$buffer": "<hex>"}; `hex` is mqtt.generate(packet, {protocolVersion}).
// Deterministic: the same SEED, COUNT and VERSION give the same lines.
//
// Only packets that both the MQTT spec and mqtt-packet call valid are generated. Where the two
// disagree, the case is left out here, with the spec section that decides it:
//   - PUBLISH with DUP at QoS 0: mqtt-packet writes the DUP bit; the spec forbids it
//     ([MQTT-3.3.1-2], 3.1.1 and 5.0). Our encoder clears it, our decoder refuses it.
//   - CONNACK with session present and a non-zero return/reason code: mqtt-packet writes it;
//     the spec forbids it (3.1.1 [MQTT-3.2.2-4], 5.0 [MQTT-3.2.2-6]).
//   - Repeated user property whose first value is "": mqtt-packet's parser keeps only the
//     last value (it tests the value for truthiness); 5.0 section 3.3.2.3.7 lets a name
//     appear more than once, whatever its value.
//   - CONNECT 5.0 with a password but no user name, or with an empty client id and clean
//     start 0: allowed by 5.0 (3.1.2.9, 3.1.3.1) but refused by mqtt-packet's generator.
//   - AUTH without properties: 5.0 requires the authentication method in every AUTH
//     (3.15.2.2.2), so it is never left out (mqtt-packet's parser also fails on the
//     Remaining Length 0 form that 3.15.2.1 allows, but that form cannot be a valid AUTH).
// 5.0 additions of issue #18 (AUTH with each reason code, method, data, reason string and user
// properties; topic alias in PUBLISH, with and without topic; several subscription identifiers
// in PUBLISH, one in SUBSCRIBE; request problem / response information in CONNECT; response
// information in CONNACK; DISCONNECT 0x00, 0x04, 0x81, 0x82, 0x93, 0x94, 0x95 with a reason
// string) each come once as a fixed case (REQUIRED_CASES) and are counted over the whole run:
// the count goes to stderr, and a feature never generated fails the run.
// mqtt-packet's object format, as read in its writeToStream.js / parser.js / constants.js:
// message ids are `messageId`; SUBACK/UNSUBACK codes are `granted`; 3.1.1 CONNACK has
// `returnCode`, 5.0 `reasonCode`; properties are camelCase keys written in the object's key
// order, an array value writes the property once per element, `userProperties` is
// {name: value | [values]} written name by name; byte properties are booleans, except
// maximumQoS (a number).
'use strict'

const mqtt = require('mqtt-packet')

const [seedArg, countArg, versionArg] = process.argv.slice(2)
const seed = Number(seedArg)
const count = Number(countArg)
const version = Number(versionArg)
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0 || (version !== 4 && version !== 5)) {
  process.stderr.write('usage: node generate.js SEED COUNT VERSION(4|5)\n')
  process.exit(2)
}
const v5 = version === 5

// --- seeded PRNG (mulberry32): deterministic across Node.js versions ------------------------
let state = (seed ^ (version * 0x9E3779B9)) >>> 0
function random () {
  state = (state + 0x6D2B79F5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)) // inclusive
const chance = (p) => random() < p
const pick = (list) => list[int(0, list.length - 1)]
function shuffle (list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = int(0, i);
    [list[i], list[j]] = [list[j], list[i]]
  }
  return list
}
function bytes (n) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = int(0, 255)
  return b
}
// Integers at the edges of their range as often as in the middle.
function number (lo, hi) {
  const r = random()
  if (r < 0.1) return lo
  if (r < 0.2) return hi
  if (r < 0.3) return Math.min(hi, lo + int(0, 200))
  return int(lo, hi)
}

// --- strings: UTF-8 of 1 to 4 bytes per character ---------------------------------------------
// Code points the spec accepts in a UTF-8 string without a "SHOULD NOT" (1.5.4): no U+0000,
// no control characters U+0001..U+001F / U+007F..U+009F, no surrogates, no non-characters.
const RANGES = [
  [0x20, 0x7E, 6], // ASCII printable, most of the time
  [0xA0, 0x24F, 1], // Latin-1 supplement and extended (2 bytes)
  [0x391, 0x3C9, 1], // Greek (2 bytes)
  [0x4E00, 0x9FFF, 1], // CJK (3 bytes)
  [0x20AC, 0x20AC, 1], // euro sign (3 bytes)
  [0x1F300, 0x1F64F, 1] // emoji (4 bytes, a surrogate pair in JavaScript)
]
const RANGE_WEIGHT = RANGES.reduce((sum, r) => sum + r[2], 0)
function char (exclude) {
  for (;;) {
    let w = int(1, RANGE_WEIGHT)
    let range = RANGES[0]
    for (const r of RANGES) {
      w -= r[2]
      if (w <= 0) { range = r; break }
    }
    const c = String.fromCodePoint(int(range[0], range[1]))
    if (!exclude || !exclude.includes(c)) return c
  }
}
function text (lo, hi, exclude) {
  let s = ''
  const n = int(lo, hi)
  for (let i = 0; i < n; i++) s += char(exclude)
  return s
}
function shortText () {
  return chance(0.05) ? text(130, 400) : text(0, 12)
}
function level () {
  return text(0, 8, '+#/')
}
// A topic name: no wildcards, at least one character [MQTT-4.7.3-1], [MQTT-3.3.2-2]. Not
// starting with '$' (4.7.2: reserved for the server).
function topicName () {
  let t
  do {
    if (chance(0.03)) {
      t = text(300, 600, '+#$') // a long topic, multi-byte characters included
    } else {
      const levels = []
      const n = int(1, 5)
      for (let i = 0; i < n; i++) levels.push(level())
      t = levels.join('/')
    }
  } while (t.length === 0 || t.startsWith('$'))
  return t
}
// A topic filter: '+' alone in its level, '#' alone and last [MQTT-4.7.1-2], [MQTT-4.7.1-3].
function topicFilter (allowShared) {
  if (chance(0.05)) return '#'
  const levels = []
  const n = int(1, 5)
  for (let i = 0; i < n; i++) levels.push(chance(0.2) ? '+' : level())
  if (chance(0.15)) levels.push('#')
  let f = levels.join('/')
  if (f.length === 0 || f.startsWith('$')) f = 'x' + f
  if (allowShared && chance(0.1)) f = `$share/${text(1, 6, '+#/$')}/${f}` // 5.0 4.8.2
  return f
}
// A payload: empty, text, or bytes; lengths around the Remaining Length boundaries (127,
// 16,383) now and then.
function payload (forceText) {
  const r = random()
  let n
  if (r < 0.1) n = 0
  else if (r < 0.75) n = int(1, 100)
  else if (r < 0.93) n = int(101, 16383)
  else n = int(16384, 40000)
  if (forceText || chance(0.3)) return n === 0 ? '' : text(Math.ceil(n / 3), n) // UTF-8 text
  return bytes(n)
}

// --- properties (5.0) ------------------------------------------------------------------------
function userProperties () {
  const up = {}
  const n = int(1, 4)
  for (let i = 0; i < n; i++) {
    const name = chance(0.1) ? '' : shortText()
    if (name === '__proto__' || Object.prototype.hasOwnProperty.call(up, name)) continue
    if (chance(0.3)) {
      // Repeated name: the first value is not "" (mqtt-packet's parser would lose it, see top).
      const values = [text(1, 10)]
      const extra = int(1, 3)
      for (let k = 0; k < extra; k++) values.push(chance(0.2) ? '' : shortText())
      up[name] = values
    } else {
      up[name] = shortText()
    }
  }
  return up
}
const U32 = 0xFFFFFFFF
const VARINT_MAX = 268435455
// One generator per property mqtt-packet knows, by its name in mqtt-packet.
const PROPERTY = {
  payloadFormatIndicator: () => chance(0.5),
  messageExpiryInterval: () => number(0, U32),
  contentType: shortText,
  responseTopic: topicName, // a topic name, [MQTT-3.3.2-14]
  correlationData: () => bytes(chance(0.1) ? 0 : int(1, 40)),
  subscriptionIdentifier: () => number(1, VARINT_MAX), // 0 is a protocol error
  sessionExpiryInterval: () => number(0, U32),
  assignedClientIdentifier: shortText,
  serverKeepAlive: () => number(0, 65535),
  authenticationMethod: () => text(1, 20),
  authenticationData: () => bytes(int(0, 60)),
  requestProblemInformation: () => chance(0.5),
  willDelayInterval: () => number(0, U32),
  requestResponseInformation: () => chance(0.5),
  responseInformation: shortText,
  serverReference: shortText,
  reasonString: shortText,
  receiveMaximum: () => number(1, 65535), // 0 is a protocol error
  topicAliasMaximum: () => number(0, 65535),
  topicAlias: () => number(1, 65535), // 0 is a protocol error
  maximumQoS: () => int(0, 1), // 0 or 1, 3.2.2.3.4
  retainAvailable: () => chance(0.5),
  userProperties,
  maximumPacketSize: () => number(1, U32), // 0 is a protocol error
  wildcardSubscriptionAvailable: () => chance(0.5),
  subscriptionIdentifiersAvailable: () => chance(0.5),
  sharedSubscriptionAvailable: () => chance(0.5)
}
// The properties each packet may carry, 5.0 table 2-4 (2.2.2.2).
const ALLOWED = {
  connect: ['sessionExpiryInterval', 'authenticationMethod', 'authenticationData',
    'requestProblemInformation', 'requestResponseInformation', 'receiveMaximum',
    'topicAliasMaximum', 'userProperties', 'maximumPacketSize'],
  will: ['payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic',
    'correlationData', 'willDelayInterval', 'userProperties'],
  connack: ['sessionExpiryInterval', 'assignedClientIdentifier', 'serverKeepAlive',
    'authenticationMethod', 'authenticationData', 'responseInformation', 'serverReference',
    'reasonString', 'receiveMaximum', 'topicAliasMaximum', 'maximumQoS', 'retainAvailable',
    'userProperties', 'maximumPacketSize', 'wildcardSubscriptionAvailable',
    'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable'],
  publish: ['payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic',
    'correlationData', 'subscriptionIdentifier', 'topicAlias', 'userProperties'],
  ack: ['reasonString', 'userProperties'],
  subscribe: ['subscriptionIdentifier', 'userProperties'],
  unsubscribe: ['userProperties'],
  disconnect: ['sessionExpiryInterval', 'serverReference', 'reasonString', 'userProperties'],
  auth: ['authenticationMethod', 'authenticationData', 'reasonString', 'userProperties']
}
// A random subset of `names`, in random order (the writer keeps the object's key order).
// `must` names are always in. Returns undefined, {} or a filled object.
function properties (place, must = [], p = 0.3) {
  const chosen = ALLOWED[place].filter((name) => must.includes(name) || chance(p))
  if (chosen.length === 0) return chance(0.5) ? undefined : {}
  const props = {}
  for (const name of shuffle(chosen)) props[name] = PROPERTY[name]()
  // Authentication data only with a method: a protocol error otherwise (3.1.2.11.10).
  if ('authenticationData' in props && !('authenticationMethod' in props)) {
    props.authenticationMethod = PROPERTY.authenticationMethod()
  }
  return props
}
function maybeProperties (place, p) {
  const props = properties(place, [], p)
  if (props === undefined) return {}
  return { properties: props }
}

// --- packets ---------------------------------------------------------------------------------
const messageId = () => number(1, 65535) // 0 is refused, [MQTT-2.3.1-1]

// 5.0 reason codes each packet may carry (2.4, table 2-6, and each packet's section).
const CONNACK_CODES = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A,
  0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F]
const PUBACK_CODES = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]
const PUBREL_CODES = [0x00, 0x92]
const SUBACK_CODES = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2]
const UNSUBACK_CODES = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91]
const DISCONNECT_CODES = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E,
  0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F,
  0xA0, 0xA1, 0xA2]
const AUTH_CODES = [0x00, 0x18, 0x19]
// Half of the time success, so the short forms are common.
const code = (codes) => (chance(0.5) ? codes[0] : pick(codes))

function connect () {
  const p = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: version }
  p.clean = chance(0.5)
  p.keepalive = number(0, 65535)
  // Empty client id only with clean session: [MQTT-3.1.3-7] in 3.1.1; mqtt-packet asks it in
  // 5.0 too (see top).
  p.clientId = chance(0.1) && p.clean ? '' : text(1, 23)
  if (v5) Object.assign(p, maybeProperties('connect'))
  if (chance(0.5)) {
    const will = { topic: topicName() }
    will.payload = chance(0.03) ? bytes(int(16384, 30000)) : (chance(0.5) ? bytes(int(0, 300)) : text(0, 100))
    will.qos = int(0, 2)
    will.retain = chance(0.5)
    if (v5) {
      Object.assign(will, maybeProperties('will'))
      // Payload format indicator 1: the payload is UTF-8, 3.1.3.2.3.
      if (will.properties && will.properties.payloadFormatIndicator) will.payload = text(0, 100)
    }
    p.will = will
  }
  if (chance(0.5)) {
    p.username = chance(0.1) ? '' : text(1, 20)
    if (chance(0.6)) p.password = chance(0.5) ? bytes(int(0, 40)) : text(0, 20)
  }
  return p
}

function connack () {
  const p = { cmd: 'connack' }
  let rc
  if (v5) {
    rc = code(CONNACK_CODES)
    p.reasonCode = rc
  } else {
    rc = chance(0.5) ? 0 : int(0, 5)
    p.returnCode = rc
  }
  p.sessionPresent = rc === 0 && chance(0.5) // see top: never with a refusal
  if (v5) Object.assign(p, maybeProperties('connack', 0.2))
  return p
}

function publish () {
  const p = { cmd: 'publish' }
  p.qos = int(0, 2)
  p.dup = p.qos > 0 && chance(0.3) // see top: DUP only at QoS 1 and 2
  p.retain = chance(0.3)
  p.topic = topicName()
  if (p.qos > 0) p.messageId = messageId()
  if (v5) {
    const props = properties('publish', [], 0.25)
    if (props !== undefined) {
      if (props.subscriptionIdentifier !== undefined && chance(0.3)) {
        // Several subscription identifiers: 3.3.2.3.8 (an array writes one property each).
        props.subscriptionIdentifier = [props.subscriptionIdentifier, PROPERTY.subscriptionIdentifier()]
        if (chance(0.5)) props.subscriptionIdentifier.push(PROPERTY.subscriptionIdentifier())
      }
      // With a topic alias the topic may be empty, 3.3.2.3.4.
      if (props.topicAlias !== undefined && chance(0.4)) p.topic = ''
      p.properties = props
    }
  }
  const textual = v5 && p.properties && p.properties.payloadFormatIndicator === true
  p.payload = payload(textual)
  return p
}

function confirmation (cmd) {
  const p = { cmd, messageId: messageId() }
  if (v5) {
    p.reasonCode = code(cmd === 'puback' || cmd === 'pubrec' ? PUBACK_CODES : PUBREL_CODES)
    Object.assign(p, maybeProperties('ack', 0.4))
  }
  return p
}

function subscribe () {
  const p = { cmd: 'subscribe', messageId: messageId() }
  if (v5) Object.assign(p, maybeProperties('subscribe', 0.4))
  p.subscriptions = []
  const n = chance(0.05) ? int(20, 60) : int(1, 5)
  for (let i = 0; i < n; i++) {
    const topic = topicFilter(v5)
    const sub = { topic, qos: int(0, 2) }
    if (v5) {
      // No Local on a shared subscription is a protocol error, [MQTT-3.8.3-4].
      const shared = topic.startsWith('$share/')
      if (chance(0.8)) sub.nl = !shared && chance(0.5)
      if (chance(0.8)) sub.rap = chance(0.5)
      if (chance(0.8)) sub.rh = int(0, 2)
    }
    p.subscriptions.push(sub)
  }
  return p
}

function suback () {
  const p = { cmd: 'suback', messageId: messageId() }
  if (v5) Object.assign(p, maybeProperties('ack', 0.4))
  const n = chance(0.05) ? int(100, 200) : int(1, 8)
  p.granted = []
  for (let i = 0; i < n; i++) p.granted.push(v5 ? pick(SUBACK_CODES) : pick([0, 1, 2, 0x80]))
  return p
}

function unsubscribe () {
  const p = { cmd: 'unsubscribe', messageId: messageId() }
  if (v5) Object.assign(p, maybeProperties('unsubscribe', 0.4))
  p.unsubscriptions = []
  const n = int(1, 5)
  for (let i = 0; i < n; i++) p.unsubscriptions.push(topicFilter(v5))
  return p
}

function unsuback () {
  const p = { cmd: 'unsuback', messageId: messageId() }
  if (v5) {
    Object.assign(p, maybeProperties('ack', 0.4))
    p.granted = []
    const n = int(1, 6)
    for (let i = 0; i < n; i++) p.granted.push(pick(UNSUBACK_CODES))
  }
  return p
}

function disconnect () {
  const p = { cmd: 'disconnect' }
  if (v5) {
    p.reasonCode = code(DISCONNECT_CODES)
    Object.assign(p, maybeProperties('disconnect', 0.3))
  }
  return p
}

function auth () {
  // The authentication method is required in every AUTH, 3.15.2.2.2.
  return { cmd: 'auth', reasonCode: pick(AUTH_CODES), properties: properties('auth', ['authenticationMethod']) }
}

// Weights: PUBLISH and the acks are most of real traffic and most of the codec.
const KINDS = [
  ['connect', 10, connect], ['connack', 6, connack], ['publish', 30, publish],
  ['puback', 5, () => confirmation('puback')], ['pubrec', 5, () => confirmation('pubrec')],
  ['pubrel', 5, () => confirmation('pubrel')], ['pubcomp', 5, () => confirmation('pubcomp')],
  ['subscribe', 8, subscribe], ['suback', 5, suback], ['unsubscribe', 6, unsubscribe],
  ['unsuback', 4, unsuback], ['pingreq', 1, () => ({ cmd: 'pingreq' })],
  ['pingresp', 1, () => ({ cmd: 'pingresp' })], ['disconnect', 4, disconnect]
]
if (v5) KINDS.push(['auth', 4, auth])
const TOTAL_WEIGHT = KINDS.reduce((sum, k) => sum + k[1], 0)
function randomKind () {
  let w = int(1, TOTAL_WEIGHT)
  for (const k of KINDS) {
    w -= k[1]
    if (w <= 0) return k
  }
  return KINDS[0]
}

// Buffers as {"$buffer": hex}; everything else as is. Key order is kept.
function toJson (value) {
  if (Buffer.isBuffer(value)) return { $buffer: value.toString('hex') }
  if (Array.isArray(value)) return value.map(toJson)
  if (value !== null && typeof value === 'object') {
    const out = {}
    for (const key of Object.keys(value)) {
      if (value[key] !== undefined) out[key] = toJson(value[key])
    }
    return out
  }
  return value
}

// --- 5.0 features that must be covered (issue #18): each at least once, by a fixed case below,
// and counted over the whole run (printed to stderr; a feature never generated fails the run).
const REQUIRED_CASES = v5
  ? [
      ...AUTH_CODES.map((reasonCode) => ({
        cmd: 'auth',
        reasonCode,
        properties: {
          authenticationMethod: 'SCRAM-SHA-256',
          authenticationData: Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'),
          reasonString: 'round ' + reasonCode,
          userProperties: { step: String(reasonCode) }
        }
      })),
      { cmd: 'publish', qos: 0, dup: false, retain: false, topic: '', payload: 'aliased', properties: { topicAlias: 3 } },
      { cmd: 'publish', qos: 1, dup: false, retain: false, topic: 'a/b', messageId: 7, payload: 'x', properties: { topicAlias: 65535 } },
      { cmd: 'publish', qos: 0, dup: false, retain: false, topic: 'a/b', payload: 'x', properties: { subscriptionIdentifier: [1, 268435455, 128] } },
      { cmd: 'subscribe', messageId: 9, properties: { subscriptionIdentifier: 268435455 }, subscriptions: [{ topic: 'a/#', qos: 1 }] },
      { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 30, clientId: 'c', properties: { requestProblemInformation: false, requestResponseInformation: true } },
      { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 30, clientId: 'c', properties: { requestProblemInformation: true, requestResponseInformation: false } },
      { cmd: 'connack', reasonCode: 0, sessionPresent: false, properties: { responseInformation: 'responses/c' } },
      ...[0x00, 0x04, 0x81, 0x82, 0x93, 0x94, 0x95].map((reasonCode) => ({
        cmd: 'disconnect', reasonCode, properties: { reasonString: 'reason ' + reasonCode }
      }))
    ]
  : []
const hex = (n) => '0x' + n.toString(16).padStart(2, '0')
function features (p) {
  const props = p.properties || {}
  const has = (name) => props[name] !== undefined
  const tags = []
  if (p.cmd === 'auth') {
    tags.push('auth ' + hex(p.reasonCode))
    for (const name of ['authenticationData', 'reasonString', 'userProperties']) {
      if (has(name)) tags.push('auth ' + name)
    }
  }
  if (p.cmd === 'publish' && has('topicAlias')) tags.push(p.topic === '' ? 'publish topicAlias, empty topic' : 'publish topicAlias')
  if (p.cmd === 'publish' && Array.isArray(props.subscriptionIdentifier)) tags.push('publish several subscriptionIdentifier')
  if (p.cmd === 'subscribe' && has('subscriptionIdentifier')) tags.push('subscribe subscriptionIdentifier')
  if (p.cmd === 'connect' && has('requestProblemInformation')) tags.push('connect requestProblemInformation ' + props.requestProblemInformation)
  if (p.cmd === 'connect' && has('requestResponseInformation')) tags.push('connect requestResponseInformation ' + props.requestResponseInformation)
  if (p.cmd === 'connack' && has('responseInformation')) tags.push('connack responseInformation')
  if (p.cmd === 'disconnect' && [0x00, 0x04, 0x81, 0x82, 0x93, 0x94, 0x95].includes(p.reasonCode) && has('reasonString')) {
    tags.push('disconnect ' + hex(p.reasonCode) + ' reasonString')
  }
  return tags
}
const REQUIRED_FEATURES = [...new Set(REQUIRED_CASES.flatMap(features))]
const covered = new Map(REQUIRED_FEATURES.map((f) => [f, 0]))

const out = []
function flush () {
  if (out.length) process.stdout.write(out.join(''))
  out.length = 0
}
for (let i = 0; i < count; i++) {
  let packet
  if (i < KINDS.length) {
    packet = KINDS[i][2]() // every type at least once
  } else if (i > KINDS.length && i <= KINDS.length + REQUIRED_CASES.length) {
    packet = REQUIRED_CASES[i - KINDS.length - 1]
  } else if (i === KINDS.length) {
    // One PUBLISH above 2,097,151 bytes: a four-byte Remaining Length.
    packet = { cmd: 'publish', qos: 1, dup: false, retain: false, topic: topicName(), messageId: messageId(), payload: bytes(2097152 + int(0, 1000)) }
    if (v5) packet.properties = { contentType: 'application/octet-stream' }
  } else {
    packet = randomKind()[2]()
  }
  for (const f of features(packet)) if (covered.has(f)) covered.set(f, covered.get(f) + 1)
  const bytesOut = mqtt.generate(packet, { protocolVersion: version })
  out.push(JSON.stringify({ i, version, packet: toJson(packet), hex: bytesOut.toString('hex') }) + '\n')
  if (out.length >= 200) flush()
}
flush()
if (v5) {
  const missing = [...covered].filter(([, n]) => n === 0).map(([f]) => f)
  process.stderr.write(`generate.js 5.0: issue #18 features covered: ${[...covered].map(([f, n]) => `${f} x${n}`).join(', ')}\n`)
  if (missing.length) {
    process.stderr.write(`generate.js 5.0: not covered (raise COUNT): ${missing.join(', ')}\n`)
    process.exit(1)
  }
}
