//go:build !unix

package outdir

// oNoFollow is 0 where there is no O_NOFOLLOW: os.Root still keeps every
// operation beneath the folder, and the Lstat checks of In refuse links.
const oNoFollow = 0
