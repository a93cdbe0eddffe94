// chain-check.mjs -- a relying party that checks every link of a certificate's chain with
// PKIjs's CertificateChainValidationEngine, from nothing but the certificate and a trusted
// root: the issuing CA's certificate comes from the certificate's AIA caIssuers URL, and
// the CRLs from the CRL distribution point and Freshest CRL URLs of the certificate and of
// that CA (whose own distribution point is the root's CRL), all fetched over http here.
// (The engine reads a delta CRL as a list like any other: a serial on it is revoked.)
//
//   node chain-check.mjs --root ROOT CERT [--without-root-crl] [--timeout SECONDS]
//
// ROOT and CERT are PEM or DER files. Prints one JSON object on stdout:
//   {"result": true|false, "resultCode": N, "resultMessage": "...", "fetched": [URL...]}
// (result, resultCode and resultMessage are the engine's own answer). Exit status: 0 the
// chain is valid, 1 the engine says it is not, 2 it could not be checked (wrong usage, a
// file or URL that cannot be read); then the reason is on stderr and stdout is empty.
// --without-root-crl leaves out the CRLs named by the issuing CA (the root's), as a relying
// party had to before the root published one: the engine must then refuse the chain.
//
// Runs on Node 18 and later: WebCrypto from node:crypto, the global fetch.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import * as pkijs from "pkijs";

const ID_AIA = "1.3.6.1.5.5.7.1.1";
const ID_CA_ISSUERS = "1.3.6.1.5.5.7.48.2";
const ID_CRL_DP = "2.5.29.31";
const ID_FRESHEST_CRL = "2.5.29.46";
const GENERAL_NAME_URI = 6;

class Unreadable extends Error {}

function usage(why) {
  throw new Unreadable(`${why}\nusage: node chain-check.mjs --root ROOT CERT ` +
    "[--without-root-crl] [--timeout SECONDS]");
}

function parseArgs(argv) {
  const opts = { root: null, cert: null, withoutRootCrl: false, timeout: 20 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--root" && i + 1 < argv.length) opts.root = argv[++i];
    else if (a === "--timeout" && i + 1 < argv.length) opts.timeout = Number(argv[++i]);
    else if (a === "--without-root-crl") opts.withoutRootCrl = true;
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else if (opts.cert === null) opts.cert = a;
    else usage(`one certificate only (${a})`);
  }
  if (!opts.root || !opts.cert) usage("the root and the certificate are both needed");
  if (!(opts.timeout > 0)) usage("--timeout takes a number of seconds above 0");
  return opts;
}

// DER bytes of a PEM or DER object (the first PEM block of the expected label).
function der(bytes, label, where) {
  const text = Buffer.from(bytes).toString("latin1");
  const m = text.match(new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`));
  const buf = m ? Buffer.from(m[1].replace(/\s+/g, ""), "base64") : Buffer.from(bytes);
  if (buf.length === 0 || buf[0] !== 0x30) throw new Unreadable(`${where}: not a DER or PEM ${label}`);
  return new Uint8Array(buf).buffer;
}

function parse(Kind, label, bytes, where) {
  try {
    return Kind.fromBER(der(bytes, label, where));
  } catch (e) {
    if (e instanceof Unreadable) throw e;
    throw new Unreadable(`${where}: not a ${label}: ${e.message}`);
  }
}

function readCert(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Unreadable(`${path}: ${e.message}`);
  }
  return parse(pkijs.Certificate, "CERTIFICATE", bytes, path);
}

async function get(url, timeoutSeconds) {
  let r;
  try {
    r = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000) });
  } catch (e) {
    const why = e.name === "TimeoutError" ? `no answer in ${timeoutSeconds} s` :
      (e.cause && e.cause.message) || e.message;
    throw new Unreadable(`${url}: ${why}`);
  }
  if (r.status !== 200) throw new Unreadable(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function extension(cert, oid) {
  return (cert.extensions || []).find((e) => e.extnID === oid);
}

// The http(s) URIs of a certificate's CRL distribution points or Freshest CRL.
function crlUrls(cert, oid) {
  const ext = extension(cert, oid);
  if (!ext || !ext.parsedValue) return [];
  const urls = [];
  for (const dp of ext.parsedValue.distributionPoints || []) {
    if (!Array.isArray(dp.distributionPoint)) continue;   // a relative name: not a URL
    for (const gn of dp.distributionPoint) {
      if (gn.type === GENERAL_NAME_URI && /^https?:\/\//.test(gn.value)) urls.push(gn.value);
    }
  }
  return urls;
}

function caIssuersUrls(cert) {
  const ext = extension(cert, ID_AIA);
  if (!ext || !ext.parsedValue) return [];
  return (ext.parsedValue.accessDescriptions || [])
    .filter((d) => d.accessMethod === ID_CA_ISSUERS &&
      d.accessLocation.type === GENERAL_NAME_URI && /^https?:\/\//.test(d.accessLocation.value))
    .map((d) => d.accessLocation.value);
}

async function check(opts) {
  const root = readCert(opts.root);
  const leaf = readCert(opts.cert);
  const fetched = [];
  const fetch1 = async (url) => {
    fetched.push(url);
    return get(url, opts.timeout);
  };

  const issuerUrls = caIssuersUrls(leaf);
  if (issuerUrls.length === 0) {
    throw new Unreadable(`${opts.cert}: no caIssuers URL in its Authority Information Access`);
  }
  const ca = parse(pkijs.Certificate, "CERTIFICATE", await fetch1(issuerUrls[0]), issuerUrls[0]);

  const crlSources = [...crlUrls(leaf, ID_CRL_DP), ...crlUrls(leaf, ID_FRESHEST_CRL)];
  if (crlSources.length === 0) {
    throw new Unreadable(`${opts.cert}: no CRL distribution point`);
  }
  if (!opts.withoutRootCrl) {
    crlSources.push(...crlUrls(ca, ID_CRL_DP), ...crlUrls(ca, ID_FRESHEST_CRL));
  }
  const crls = [];
  for (const url of crlSources) {
    crls.push(parse(pkijs.CertificateRevocationList, "X509 CRL", await fetch1(url), url));
  }

  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: [root],
    certs: [ca, leaf],          // the end entity last: the engine starts from there
    crls,
    checkDate: new Date(),
  });
  const v = await engine.verify();
  return {
    result: v.result === true,
    resultCode: v.resultCode,
    resultMessage: v.resultMessage || "",
    fetched,
  };
}

async function main() {
  if (typeof fetch !== "function" || typeof AbortSignal.timeout !== "function") {
    process.stderr.write(`chain-check: Node 18 or later is needed (this is ${process.version})\n`);
    process.exitCode = 2;
    return;
  }
  pkijs.setEngine("node", new pkijs.CryptoEngine({ name: "node", crypto: webcrypto }));
  let out;
  try {
    out = await check(parseArgs(process.argv.slice(2)));
  } catch (e) {
    process.stderr.write(`chain-check: ${e instanceof Unreadable ? e.message : e.stack}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exitCode = out.result ? 0 : 1;
}

await main();
