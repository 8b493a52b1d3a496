/** Flags that say how to reach the cluster (resolved against env and dcos.toml). */
export interface ConnectionFlags {
  url?: string;
  marathonUrl?: string;
  mesosUrl?: string;
  acsToken?: string;
  acsTokenFile?: string;
  saUid?: string;
  saKeyFile?: string;
  caBundle?: string;
  insecure?: boolean;
  timeout?: string;
}
