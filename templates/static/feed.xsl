<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an Atom or RSS feed opened in a browser as a readable page. Feed readers ignore it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="atom:feed/atom:title | rss/channel/title"/>
    <html>
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          body { max-width: 42rem; margin: 0 auto; padding: 1rem 1.25rem; font: 1.05rem/1.6 system-ui, sans-serif; }
          .note { background: #fff8d6; border: 1px solid #e6d47a; padding: .75rem 1rem; border-radius: 4px; }
          li { margin-bottom: .75rem; } time { color: #5f6368; font-size: .9rem; }
        </style>
      </head>
      <body>
        <p class="note">This is a <strong>web feed</strong>. Copy this page's address into your feed reader to
          subscribe to <strong><xsl:value-of select="$title"/></strong>.</p>
        <h1><xsl:value-of select="$title"/></h1>
        <ul>
          <xsl:for-each select="atom:feed/atom:entry">
            <li><a href="{atom:link[@rel='alternate' or not(@rel)]/@href}"><xsl:value-of select="atom:title"/></a><br/>
              <time><xsl:value-of select="substring(atom:published, 1, 10)"/></time></li>
          </xsl:for-each>
          <xsl:for-each select="rss/channel/item">
            <li><a href="{link}"><xsl:value-of select="title"/></a><br/>
              <time><xsl:value-of select="pubDate"/></time></li>
          </xsl:for-each>
        </ul>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
