// Secrets at rest (platform credentials, webhook signing secrets): AES-256-GCM with a random
// 96-bit IV per encryption, and associated data that binds each ciphertext to the row and field
// it belongs to, so a ciphertext copied into another organisation's row fails to decrypt.
// Stored form: `v1:<base64(iv)>:<base64(ciphertext+tag)>`; the version names the key.
import { base64ToBytes, bytesToBase64 } from "../lib/encoding";

const KEY_VERSION = "v1";
const keys = new Map<string, Promise<CryptoKey>>();

function importKey(base64Key: string): Promise<CryptoKey> {
  let key = keys.get(base64Key);
  if (!key) {
    key = crypto.subtle.importKey("raw", base64ToBytes(base64Key), "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(base64Key, key);
  }
  return key;
}

export class SecretBox {
  constructor(private readonly base64Key: string) {}

  async encrypt(plaintext: string, associatedData: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(associatedData) },
      await importKey(this.base64Key),
      new TextEncoder().encode(plaintext),
    );
    return `${KEY_VERSION}:${bytesToBase64(iv)}:${bytesToBase64(new Uint8Array(sealed))}`;
  }

  async decrypt(stored: string, associatedData: string): Promise<string> {
    const [version, ivText, sealedText] = stored.split(":");
    if (version !== KEY_VERSION || !ivText || !sealedText) throw new Error("Unknown secret format");
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64ToBytes(ivText), additionalData: new TextEncoder().encode(associatedData) },
      await importKey(this.base64Key),
      base64ToBytes(sealedText),
    );
    return new TextDecoder().decode(plain);
  }
}
