/** Bundles the Action into `outDir` (default dist/): index.js, package.json and the files core reads. */
export function bundleAction(options?: { outDir?: string }): Promise<{ outDir: string; files: string[] }>;
