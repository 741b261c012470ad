import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card stack">
      <h1>Not found</h1>
      <p>There is nothing at this address. The sale may have been removed.</p>
      <p>
        <Link href="/">Back to the sales</Link>
      </p>
    </div>
  );
}
