import Link from '@docusaurus/Link';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import Heading from '@theme/Heading';
import Layout from '@theme/Layout';
import LiveExample from '../components/LiveExample';
import styles from './index.module.css';

interface SitePackage {
  short: string;
  name: string;
  description: string;
}

export default function Home() {
  const { siteConfig } = useDocusaurusContext();
  const packages = (siteConfig.customFields?.packages ?? []) as SitePackage[];
  return (
    <Layout title="Deep Learning Foundations" description={siteConfig.tagline}>
      <header className={styles.hero}>
        <div className="container">
          <Heading as="h1" className={styles.title}>
            dlf — Deep Learning Foundations
          </Heading>
          <p className={styles.tagline}>{siteConfig.tagline}</p>
          <p>
            Each package pairs the theory (definitions, theorems and what they predict, with the math) with
            code you can run: tested TypeScript on TensorFlow.js, and live examples on the pages that show
            each result.
          </p>
        </div>
      </header>
      <main className="container margin-vert--lg">
        <Heading as="h2">Packages</Heading>
        <div className="row">
          {packages.map((p) => (
            <div key={p.short} className="col col--4 margin-bottom--lg">
              <div className="card shadow--md">
                <div className="card__header">
                  <Heading as="h3">
                    <Link to={`/${p.short}/`}>{p.name}</Link>
                  </Heading>
                </div>
                <div className="card__body">
                  <p>{p.description}</p>
                </div>
              </div>
            </div>
          ))}
        </div>
        <Heading as="h2">Try it</Heading>
        <p>
          A small network learning to separate two moons, trained in this page when you press Start. Nothing
          heavy is loaded before that; the header says which backend it runs on. The same example can be{' '}
          <Link to="/embed/">embedded in any page</Link>.
        </p>
        <LiveExample pkg="runtime" name="twoMoons" start="click" />
      </main>
    </Layout>
  );
}
