import { readFile } from 'node:fs/promises';
import type { ConfigSource } from './config-source';

/** A configuration document in a local file. */
export class FileConfigSource implements ConfigSource {
  public readonly description: string;

  public constructor(public readonly path: string) {
    this.description = `file ${path}`;
  }

  public read(): Promise<string> {
    return readFile(this.path, 'utf8');
  }
}
