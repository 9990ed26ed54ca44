// Certificates for the TLS tests, made at test time with the openssl command-line tool into a
// temporary directory (nothing that expires is committed). makeCertificates() returns the paths:
//
//   ca.pem            the test CA (self-signed)               ca2.pem  an unrelated CA (unknown to everyone)
//   server.pfx        server key + cert for 127.0.0.1 / localhost, signed by the CA (+ server.pem)
//   client.pfx        a client key + cert signed by the CA
//   stranger.pfx      a client key + cert signed by ca2 (a client nobody trusts)
//   unknown.pfx       server cert for 127.0.0.1 / localhost signed by ca2
//   expired.pfx       server cert for 127.0.0.1 / localhost, valid 2020-01-01 … 2020-01-02
//   wronghost.pfx     server cert for other.example / 10.9.8.7 only, signed by the CA
//   cas.pem           ca2 then ca in one file (a PEM with more than one CA)
//
// Every .pfx is PKCS#12 with the password PASSWORD and also holds its CA certificate.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PASSWORD = "s3cret pfx";

/** Why certificates cannot be made here, or undefined when openssl is usable. */
export function opensslMissing() {
  const probe = spawnSync("openssl", ["version"], { encoding: "utf8", timeout: 20000 });
  if (probe.error || probe.status !== 0) return `the openssl command is not usable (${probe.error?.message ?? probe.stderr})`;
  return undefined;
}

function openssl(dir, args, input) {
  const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8", input, timeout: 60000 });
  if (result.error || result.status !== 0)
    throw new Error(`openssl ${args.join(" ")} failed: ${result.error?.message ?? ""}${result.stderr}`);
  return result.stdout;
}

const CA_EXT = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n"; // (Moddable's TLS needs the AKI)
const SERVER_LOCAL = "subjectAltName=IP:127.0.0.1,DNS:localhost";
const SERVER_OTHER = "subjectAltName=DNS:other.example,IP:10.9.8.7";

function leafExt(san, usage) {
  return `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\n` +
    `authorityKeyIdentifier=keyid\n${san ? san + "\n" : ""}`;
}

/** Makes every certificate into a new temporary directory; `cleanup()` removes it. */
export function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), "tls-certs-"));
  const key = (name) => openssl(dir, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", `${name}.key`]);
  for (const name of ["ca", "ca2", "server", "client"]) key(name);

  const selfSigned = (name, cn) => {
    writeFileSync(join(dir, `${name}-req.cnf`), `[req]\ndistinguished_name=dn\nx509_extensions=ext\nprompt=no\n[dn]\nCN=${cn}\n[ext]\n${CA_EXT}`);
    openssl(dir, ["req", "-new", "-x509", "-config", `${name}-req.cnf`, "-key", `${name}.key`, "-days", "2",
      "-sha256", "-out", `${name}.pem`]);
  };
  selfSigned("ca", "accessor-socket test CA");
  selfSigned("ca2", "accessor-socket unknown CA");

  // Leaf certificates with `openssl ca`, which can set any validity (the expired one).
  let serial = 1;
  const sign = (name, keyName, cn, caName, ext, dates) => {
    const db = join(dir, `db-${name}`);
    writeFileSync(`${db}.index`, "");
    writeFileSync(join(dir, `${name}.ext`), ext);
    writeFileSync(join(dir, `${name}.cnf`), [
      "[ca]", "default_ca=test", "[test]", `database=${db}.index`, `new_certs_dir=${dir}`,
      `certificate=${caName}.pem`, `private_key=${caName}.key`, `serial=${db}.serial`, "default_md=sha256", "policy=any",
      "unique_subject=no", "email_in_dn=no", "copy_extensions=none", "[any]", "commonName=supplied", "",
    ].join("\n"));
    writeFileSync(`${db}.serial`, (serial++).toString(16).padStart(2, "0") + "\n");
    writeFileSync(join(dir, `${name}-req.cnf`), `[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=${cn}\n`);
    openssl(dir, ["req", "-new", "-config", `${name}-req.cnf`, "-key", `${keyName}.key`, "-out", `${name}.csr`]);
    openssl(dir, ["ca", "-batch", "-notext", "-config", `${name}.cnf`, "-name", "test",
      "-in", `${name}.csr`, "-extfile", `${name}.ext`, "-out", `${name}.pem`,
      ...(dates ? ["-startdate", dates[0], "-enddate", dates[1]] : ["-days", "2"])]);
    openssl(dir, ["pkcs12", "-export", "-inkey", `${keyName}.key`, "-in", `${name}.pem`, "-certfile", `${caName}.pem`,
      "-name", name, "-passout", `pass:${PASSWORD}`, "-out", `${name}.pfx`]);
  };
  sign("server", "server", "127.0.0.1", "ca", leafExt(SERVER_LOCAL, "serverAuth"));
  sign("client", "client", "accessor-socket test client", "ca", leafExt("", "clientAuth"));
  sign("stranger", "client", "a client nobody trusts", "ca2", leafExt("", "clientAuth"));
  sign("unknown", "server", "127.0.0.1", "ca2", leafExt(SERVER_LOCAL, "serverAuth"));
  sign("expired", "server", "127.0.0.1", "ca", leafExt(SERVER_LOCAL, "serverAuth"), ["20200101000000Z", "20200102000000Z"]);
  sign("wronghost", "server", "other.example", "ca", leafExt(SERVER_OTHER, "serverAuth"));

  const ca = openssl(dir, ["x509", "-in", "ca.pem"]);
  const ca2 = openssl(dir, ["x509", "-in", "ca2.pem"]);
  writeFileSync(join(dir, "cas.pem"), ca2 + ca);

  const path = (file) => join(dir, file);
  return {
    dir,
    password: PASSWORD,
    ca: path("ca.pem"),
    ca2: path("ca2.pem"),
    cas: path("cas.pem"),
    serverPem: path("server.pem"),
    serverKey: path("server.key"),
    server: path("server.pfx"),
    client: path("client.pfx"),
    stranger: path("stranger.pfx"),
    unknown: path("unknown.pfx"),
    expired: path("expired.pfx"),
    wronghost: path("wronghost.pfx"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
