import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import type { FileStoreConfig } from "../../config.js";
import { loadOnce } from "../load-once.js";
import {
  type ByteRange,
  blobOfKey,
  contentKey,
  FileMissingError,
  type FileStore,
  hashingStream,
  readableSource,
  type StoredBlob,
} from "./file-store.js";

type S3Settings = Extract<FileStoreConfig, { kind: "s3" }>;

/** Where a stream goes while it is hashed; a bucket lifecycle rule may expire what a crash left here. */
const INCOMING_PREFIX = "incoming/";

/** The AWS SDK, loaded by the first S3 store a process uses: a node on local disk never holds it. */
const loadSdk = loadOnce(async () => {
  const [
    {
      CopyObjectCommand,
      DeleteObjectCommand,
      GetObjectCommand,
      HeadBucketCommand,
      HeadObjectCommand,
      ListObjectsV2Command,
      S3Client,
      S3ServiceException,
    },
    { Upload },
  ] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]);
  return {
    CopyObjectCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    HeadBucketCommand,
    HeadObjectCommand,
    ListObjectsV2Command,
    S3Client,
    S3ServiceException,
    Upload,
  };
});
type Sdk = Awaited<ReturnType<typeof loadSdk>>;

const isNotFound = ({ S3ServiceException }: Sdk, error: unknown) =>
  error instanceof S3ServiceException &&
  (error.$metadata.httpStatusCode === 404 || error.name === "NotFound" || error.name === "NoSuchKey");

/**
 * Bytes in an S3-compatible bucket (AWS, MinIO, Ceph, R2…), under the same keys the local store
 * uses as paths, so every node of a cluster serves every file.
 */
export class S3FileStore implements FileStore {
  readonly bucket: string;
  readonly description: string;
  /** The SDK and this store's client, made at the first call. */
  private readonly connect: () => Promise<Sdk & { client: S3Client }>;

  constructor(settings: S3Settings) {
    this.connect = loadOnce(async () => {
      const sdk = await loadSdk();
      const client = new sdk.S3Client({
        region: settings.region,
        forcePathStyle: settings.forcePathStyle,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        ...(settings.credentials ? { credentials: settings.credentials } : {}),
      });
      return { ...sdk, client };
    });
    this.bucket = settings.bucket;
    this.description = `S3 bucket ${settings.bucket} at ${settings.endpoint ?? `AWS ${settings.region}`}`;
  }

  async put(content: Readable | Buffer): Promise<StoredBlob> {
    const source = readableSource(content);
    const { client, Upload, CopyObjectCommand, DeleteObjectCommand } = await this.connect();
    // A failure while the SDK loaded (the first upload) is held on the stream; a later one fails the upload below.
    if (source.errored) throw source.errored;
    const temporary = `${INCOMING_PREFIX}${randomUUID()}`;
    const hashing = hashingStream();
    // A failing source must fail the upload: pipe() alone would leave the upload waiting.
    source.once("error", (error) => hashing.stream.destroy(error));
    const upload = new Upload({
      client,
      params: { Bucket: this.bucket, Key: temporary, Body: source.pipe(hashing.stream) },
    });
    try {
      await upload.done();
      const blob = hashing.blob();
      const key = contentKey(blob.sha256);
      // The content address is known only once every byte went by; the copy stays inside the bucket.
      if (!(await this.exists(blob.sha256))) {
        await client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: key,
            CopySource: `${this.bucket}/${encodeURIComponent(temporary).replaceAll("%2F", "/")}`,
          }),
        );
      }
      return blob;
    } catch (error) {
      await upload.abort().catch(() => {});
      throw error;
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temporary })).catch(() => {});
    }
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    const sdk = await this.connect();
    try {
      const object = await sdk.client.send(
        new sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: contentKey(sha256),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      if (!(object.Body instanceof Readable)) throw new Error("S3 answered without a body stream.");
      return object.Body;
    } catch (error) {
      if (isNotFound(sdk, error)) throw new FileMissingError(sha256, this.description);
      throw error;
    }
  }

  async head(sha256: string): Promise<{ size: number } | null> {
    const sdk = await this.connect();
    try {
      const object = await sdk.client.send(
        new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: contentKey(sha256) }),
      );
      return { size: object.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(sdk, error)) return null;
      throw error;
    }
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.head(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    const { client, DeleteObjectCommand } = await this.connect();
    await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: contentKey(sha256) }));
  }

  async *list(): AsyncGenerator<StoredBlob> {
    const { client, ListObjectsV2Command } = await this.connect();
    let continuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: continuationToken }),
      );
      for (const object of page.Contents ?? []) {
        const sha256 = blobOfKey(object.Key ?? "");
        if (sha256) yield { sha256, size: object.Size ?? 0 };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async check(): Promise<void> {
    const { client, HeadBucketCommand, S3ServiceException } = await this.connect();
    try {
      await client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // HeadBucket answers without a body, so the SDK's message for a refusal is only "UnknownError".
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      if (status === 404) throw new Error(`the bucket ${this.bucket} does not exist.`);
      if (status === 403)
        throw new Error(`access to the bucket ${this.bucket} is denied (check S3_ACCESS_KEY_ID).`);
      throw error;
    }
  }
}
