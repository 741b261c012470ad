'use client';
import { useEffect } from 'react';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    // Reported once; the page offers a retry instead of a blank screen.
    console.warn('page error', error.digest ?? error.message);
  }, [error]);
  return (
    <div className="notice bad stack" role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not load. A service may be restarting; try again in a moment.</p>
      <div className="row">
        <button type="button" className="btn" onClick={reset}>
          Try again
        </button>
        <a className="btn secondary" href="/health">
          Service status
        </a>
      </div>
    </div>
  );
}
