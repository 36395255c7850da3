// A throwaway CA and a server certificate for 127.0.0.1/localhost, made with openssl (a Debian package): for the
// TLS listeners of the tests and of `npm start`'s demo. Never for production.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export interface TestCertificates {
  dir: string;
  /** PEM file of the CA clients trust. */
  caFile: string;
  ca: string;
  certificate: string;
  privateKey: string;
}

/** `dnsNames`: more names the server certificate is valid for (e.g. "*.payments.bulkhead.test" for SNI routing). */
export async function makeTestCertificates(dnsNames: readonly string[] = []): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "bulkhead-tls-"));
  const at = (name: string) => join(dir, name);
  const openssl = (args: string[]) => promisify(execFile)("openssl", args, { timeout: 30_000 });
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=bulkhead test CA", "-keyout", at("ca.key"), "-out", at("ca.pem")]);
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", at("server.key"), "-out", at("server.csr")]);
  const names = ["DNS:localhost", "IP:127.0.0.1", ...dnsNames.map((name) => `DNS:${name}`)].join(",");
  await writeFile(at("server.ext"), `subjectAltName=${names}\nextendedKeyUsage=serverAuth\n`);
  await openssl([
    "x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial", "-days", "2",
    "-extfile", at("server.ext"), "-out", at("server.pem"),
  ]);
  return {
    dir,
    caFile: at("ca.pem"),
    ca: await readFile(at("ca.pem"), "utf8"),
    certificate: await readFile(at("server.pem"), "utf8"),
    privateKey: await readFile(at("server.key"), "utf8"),
  };
}

/** A client certificate (mTLS) with this subject, e.g. "/O=Example/OU=services/CN=billing", signed by the test CA. */
export async function makeClientCertificate(certs: TestCertificates, subject: string, name: string): Promise<{ certificate: string; privateKey: string; certificateFile: string; privateKeyFile: string }> {
  const at = (file: string) => join(certs.dir, `${name}.${file}`);
  const openssl = (args: string[]) => promisify(execFile)("openssl", args, { timeout: 30_000 });
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", at("key"), "-out", at("csr")]);
  await writeFile(at("ext"), "extendedKeyUsage=clientAuth\n");
  await openssl(["x509", "-req", "-in", at("csr"), "-CA", join(certs.dir, "ca.pem"), "-CAkey", join(certs.dir, "ca.key"), "-CAcreateserial", "-days", "2", "-extfile", at("ext"), "-out", at("pem")]);
  return { certificate: await readFile(at("pem"), "utf8"), privateKey: await readFile(at("key"), "utf8"), certificateFile: at("pem"), privateKeyFile: at("key") };
}
